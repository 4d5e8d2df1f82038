;; Loads and stores show the address and the bytes they touch.
;;
;; trace swap: --invoke swap 8 12
;; trace bytes: --invoke bytes
(module $memory
  (memory 1)
  (data (i32.const 8) "\2a\00\00\00\ff\ff\ff\ff")

  ;; swap(a, b): exchange the i32 values at addresses a and b.
  (func $swap (export "swap") (param $a i32) (param $b i32)
    (local $t i32)
    (local.set $t (i32.load (local.get $a)))
    (i32.store (local.get $a) (i32.load (local.get $b)))
    (i32.store (local.get $b) (local.get $t)))

  ;; Narrow loads sign- or zero-extend; a 64-bit store writes eight bytes.
  (func $bytes (export "bytes") (result i32 i32 i64)
    (i64.store offset=16 (i32.const 0) (i64.const 0x0102030405060708))
    (i32.load8_s (i32.const 12))
    (i32.load16_u offset=4 (i32.const 8))
    (i64.load (i32.const 16))))
