;; Traps: the trace runs up to the trapping instruction, then a trap line; the
;; message and offset go to stderr and the exit status is 1.
;;
;; trace div: --invoke average 10 0
;; trace div-json: --invoke average 10 0 --json
;; trace unreachable: --invoke check -1
;; trace ok: --invoke check 5
;; trace filter: --invoke average 10 2 --function div
;; trace spin: --invoke spin --fuel 25
(module $trap
  (func $div (param $a i32) (param $b i32) (result i32)
    (i32.div_s (local.get $a) (local.get $b)))

  (func $average (export "average") (param $sum i32) (param $count i32) (result i32)
    (call $div (local.get $sum) (local.get $count)))

  (func $check (export "check") (param $x i32) (result i32)
    (if (i32.lt_s (local.get $x) (i32.const 0))
      (then (unreachable)))
    (local.get $x))

  ;; An infinite loop: only fuel ends it.
  (func $spin (export "spin")
    (loop $forever (br $forever))))
