;; Imports, a memory with active and passive data, a global, a start function,
;; bulk memory (memory.init needs the data count section).
(module $memory
  (import "env" "log" (func $log (param i32 i32)))
  (memory $mem (export "memory") 1 2)
  (global $next (mut i32) (i32.const 64))
  (data $greeting (i32.const 16) "Hello, wasm!\n")
  (data $spare "\00\01\02\ff")

  (func $store_twice (export "store_twice") (param $addr i32) (param $v i32)
    (i32.store offset=4 (local.get $addr) (local.get $v))
    (i32.store8 (local.get $addr) (i32.load16_u align=1 (local.get $addr))))

  (func $init
    (memory.init $spare (global.get $next) (i32.const 0) (i32.const 4))
    (data.drop $spare)
    (call $log (i32.const 16) (i32.const 13))
    (global.set $next (i32.add (global.get $next) (i32.const 4)))
    (drop (memory.grow (i32.const 0))))

  (start $init))
