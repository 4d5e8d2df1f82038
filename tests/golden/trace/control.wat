;; Values of every kind on the stack, and branches that cut it.
;;
;; trace branches: --invoke pick 2
;; trace floats: --invoke floats 1.5
;; trace refs: --invoke refs 1
(module $control
  (type $binop (func (param i32 i32) (result i32)))
  (table 2 funcref)
  (elem (i32.const 0) $add $sub)
  (func $add (type $binop) (i32.add (local.get 0) (local.get 1)))
  (func $sub (type $binop) (i32.sub (local.get 0) (local.get 1)))

  ;; br_table out of nested blocks with a value; the stack below is cut.
  (func $pick (export "pick") (param $i i32) (result i32)
    (i32.const 100)
    (block $outer (result i32)
      (i32.const 7)
      (block $b1 (result i32)
        (block $b0 (result i32)
          (i32.const 1) (i32.const 10)
          (br_table $b0 $b1 $outer (local.get $i)))
        (i32.const 1000) (i32.add))
      (i32.add) (i32.const 2000) (i32.add))
    (i32.add)
    ;; and an indirect call through the table
    (call_indirect (type $binop) (i32.const 5) (i32.rem_u (local.get $i) (i32.const 2))))

  ;; f32 and f64 arithmetic, -0 and NaN
  (func $floats (export "floats") (param $x f64) (result f64 f32)
    (f64.mul (local.get $x) (f64.const -0.0))
    (f32.div (f32.const 0) (f32.const 0)))

  ;; references: ref.func, ref.null, select, multi-value results
  (func $refs (export "refs") (param $c i32) (result funcref i32)
    (select (result funcref) (ref.func $add) (ref.null func) (local.get $c))
    (ref.is_null (ref.null extern))))
