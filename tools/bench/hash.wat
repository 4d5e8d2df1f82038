;; hash: hashing linear memory. run(n) fills n bytes (rounded down to a multiple of 4)
;; with an LCG, then hashes them twice: xxHash32-style over words (multiply, rotl)
;; and FNV-1a over bytes; the result combines the two with a rotr.
(module
  (memory 1)
  (func (export "run") (param $n i32) (result i32)
    (local $len i32) (local $p i32) (local $state i32) (local $h i32) (local $f i32)
    (local $pages i32)
    (local.set $len (i32.and (local.get $n) (i32.const -4)))
    (local.set $pages
      (i32.sub
        (i32.shr_u (i32.add (local.get $len) (i32.const 65535)) (i32.const 16))
        (memory.size)))
    (if (i32.gt_s (local.get $pages) (i32.const 0))
      (then (drop (memory.grow (local.get $pages)))))
    ;; fill with an LCG
    (local.set $state (i32.const 12345))
    (block $fill_done
      (loop $fill
        (br_if $fill_done (i32.ge_u (local.get $p) (local.get $len)))
        (local.set $state
          (i32.add (i32.mul (local.get $state) (i32.const 1664525)) (i32.const 1013904223)))
        (i32.store (local.get $p) (local.get $state))
        (local.set $p (i32.add (local.get $p) (i32.const 4)))
        (br $fill)))
    ;; xxHash32-style word loop
    (local.set $h (i32.add (i32.const 0x165667B1) (local.get $len)))
    (local.set $p (i32.const 0))
    (block $xx_done
      (loop $xx
        (br_if $xx_done (i32.ge_u (local.get $p) (local.get $len)))
        (local.set $h
          (i32.mul
            (i32.rotl
              (i32.add (local.get $h) (i32.mul (i32.load (local.get $p)) (i32.const 0xC2B2AE3D)))
              (i32.const 17))
            (i32.const 0x27D4EB2F)))
        (local.set $p (i32.add (local.get $p) (i32.const 4)))
        (br $xx)))
    (local.set $h (i32.xor (local.get $h) (i32.shr_u (local.get $h) (i32.const 15))))
    (local.set $h (i32.mul (local.get $h) (i32.const 0x85EBCA77)))
    (local.set $h (i32.xor (local.get $h) (i32.shr_u (local.get $h) (i32.const 13))))
    (local.set $h (i32.mul (local.get $h) (i32.const 0xC2B2AE3D)))
    (local.set $h (i32.xor (local.get $h) (i32.shr_u (local.get $h) (i32.const 16))))
    ;; FNV-1a byte loop
    (local.set $f (i32.const 0x811C9DC5))
    (local.set $p (i32.const 0))
    (block $fnv_done
      (loop $fnv
        (br_if $fnv_done (i32.ge_u (local.get $p) (local.get $len)))
        (local.set $f
          (i32.mul (i32.xor (local.get $f) (i32.load8_u (local.get $p))) (i32.const 0x01000193)))
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (br $fnv)))
    (i32.xor (local.get $h) (i32.rotr (local.get $f) (i32.const 7)))))
