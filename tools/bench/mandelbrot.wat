;; mandelbrot: f64 arithmetic; an n x n grid over [-2, 0.5] x [-1.25, 1.25], at most 50
;; iterations a point; run(n) is the total number of iterations.
(module
  (func (export "run") (param $n i32) (result i32)
    (local $x i32) (local $y i32) (local $i i32) (local $total i32)
    (local $cx f64) (local $cy f64) (local $zr f64) (local $zi f64)
    (local $zr2 f64) (local $zi2 f64) (local $fn f64)
    (local.set $fn (f64.convert_i32_s (local.get $n)))
    (block $y_done
      (loop $y_loop
        (br_if $y_done (i32.ge_s (local.get $y) (local.get $n)))
        (local.set $cy
          (f64.add (f64.const -1.25)
            (f64.div (f64.mul (f64.const 2.5) (f64.convert_i32_s (local.get $y)))
                     (local.get $fn))))
        (local.set $x (i32.const 0))
        (block $x_done
          (loop $x_loop
            (br_if $x_done (i32.ge_s (local.get $x) (local.get $n)))
            (local.set $cx
              (f64.add (f64.const -2)
                (f64.div (f64.mul (f64.const 2.5) (f64.convert_i32_s (local.get $x)))
                         (local.get $fn))))
            (local.set $zr (f64.const 0))
            (local.set $zi (f64.const 0))
            (local.set $i (i32.const 0))
            (block $escaped
              (loop $iterate
                (br_if $escaped (i32.ge_s (local.get $i) (i32.const 50)))
                (local.set $zr2 (f64.mul (local.get $zr) (local.get $zr)))
                (local.set $zi2 (f64.mul (local.get $zi) (local.get $zi)))
                (br_if $escaped
                  (f64.gt (f64.add (local.get $zr2) (local.get $zi2)) (f64.const 4)))
                (local.set $zi
                  (f64.add
                    (f64.mul (f64.mul (f64.const 2) (local.get $zr)) (local.get $zi))
                    (local.get $cy)))
                (local.set $zr
                  (f64.add (f64.sub (local.get $zr2) (local.get $zi2)) (local.get $cx)))
                (local.set $i (i32.add (local.get $i) (i32.const 1)))
                (br $iterate)))
            (local.set $total (i32.add (local.get $total) (local.get $i)))
            (local.set $x (i32.add (local.get $x) (i32.const 1)))
            (br $x_loop)))
        (local.set $y (i32.add (local.get $y) (i32.const 1)))
        (br $y_loop)))
    (local.get $total)))
