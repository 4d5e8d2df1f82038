;; bulk: memory.fill and memory.copy in a loop over one page (overlapping copies
;; included), folding a word of memory into a checksum after each round.
(module
  (memory 1)
  (func (export "run") (param $n i32) (result i32)
    (local $i i32) (local $acc i32) (local $len i32)
    (block $done
      (loop $round
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $len (i32.add (i32.const 1024) (i32.and (local.get $i) (i32.const 1023))))
        (memory.fill
          (i32.and (i32.mul (local.get $i) (i32.const 4099)) (i32.const 0x7FFF))
          (local.get $i)
          (local.get $len))
        (memory.copy
          (i32.add (i32.and (i32.mul (local.get $i) (i32.const 7919)) (i32.const 0x7FFF))
                   (i32.const 16384))
          (i32.and (i32.mul (local.get $i) (i32.const 1237)) (i32.const 0x7FFF))
          (i32.shl (local.get $len) (i32.const 2)))
        (local.set $acc
          (i32.add
            (i32.mul (local.get $acc) (i32.const 31))
            (i32.load (i32.and (i32.mul (local.get $i) (i32.const 13)) (i32.const 0xFFF0)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $round)))
    (local.get $acc)))
