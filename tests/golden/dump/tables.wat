;; A table of functions, element segments, call_indirect, br_table, typed select,
;; float and vector constants.
(module $tables
  (type $unop (func (param i32) (result i32)))
  (table $ops 4 funcref)
  (elem $init (table $ops) (i32.const 0) func $inc $dbl)
  (elem $later funcref (ref.func $dbl) (ref.null func))

  (func $inc (type $unop) (i32.add (local.get 0) (i32.const 1)))
  (func $dbl (type $unop) (i32.shl (local.get 0) (i32.const 1)))

  (func $dispatch (export "dispatch") (param $op i32) (param $x i32) (result i32)
    (block $bad
      (block $second
        (block $first
          (br_table $first $second $bad (local.get $op)))
        (return (call_indirect (type $unop) (local.get $x) (i32.const 0))))
      (return (call_indirect (type $unop) (local.get $x) (i32.const 1))))
    (select (result i32) (i32.const -1) (local.get $x) (i32.lt_s (local.get $x) (i32.const 0))))

  (func $consts (export "consts") (result f64)
    (drop (v128.const i32x4 1 2 3 4))
    (drop (f32.const 1.5))
    (drop (i64.const -1234567890123))
    (f64.const -0.25)))
