;; dispatch: an interpreter-style loop of call_indirect through a table of eight small
;; functions; the next function depends on the accumulator (its top byte) and the
;; counter, so that all eight are called (the least: 3%, the most: 27% of the calls).
(module
  (type $op (func (param i32) (result i32)))
  (table 8 funcref)
  (elem (i32.const 0) $inc $triple $mix $rot $sub7 $half $square $golden)
  (func $inc (type $op) (i32.add (local.get 0) (i32.const 1)))
  (func $triple (type $op) (i32.mul (local.get 0) (i32.const 3)))
  (func $mix (type $op) (i32.xor (local.get 0) (i32.const 0x5BD1E995)))
  (func $rot (type $op) (i32.rotl (local.get 0) (i32.const 5)))
  (func $sub7 (type $op) (i32.sub (local.get 0) (i32.const 7)))
  (func $half (type $op) (i32.shr_u (local.get 0) (i32.const 1)))
  (func $square (type $op) (i32.mul (local.get 0) (local.get 0)))
  (func $golden (type $op) (i32.add (local.get 0) (i32.const 0x9E3779B9)))
  (func (export "run") (param $n i32) (result i32)
    (local $i i32) (local $acc i32)
    (local.set $acc (i32.const 1))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $acc
          (call_indirect (type $op)
            (local.get $acc)
            (i32.and
              (i32.xor (i32.shr_u (local.get $acc) (i32.const 24)) (local.get $i))
              (i32.const 7))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (local.get $acc)))
