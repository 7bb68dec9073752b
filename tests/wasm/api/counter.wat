;; Embedding API test module: per-instance state (a global and memory),
;; a loop that never ends, a long computation, and a host import.
(module
  (import "env" "add" (func $add (param i32 i32) (result i32)))
  (memory (export "memory") 1 4)
  (global $count (mut i32) (i32.const 0))
  (func (export "inc") (result i32)
    (global.set $count (i32.add (global.get $count) (i32.const 1)))
    (i32.store (i32.const 0) (global.get $count))
    (global.get $count))
  (func (export "get") (result i32) (global.get $count))
  (func (export "load") (param i32) (result i32) (i32.load (local.get 0)))
  (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
  (func (export "forever")
    (loop $l (global.set $count (i32.add (global.get $count) (i32.const 1))) (br $l)))
  ;; sum of 0..n-1 as i64
  (func (export "spin") (param $n i32) (result i64) (local $i i32) (local $s i64)
    (block $done
      (loop $l
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $s (i64.add (local.get $s) (i64.extend_i32_u (local.get $i))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $l)))
    (local.get $s))
  (func (export "call_add") (param i32 i32) (result i32)
    (i32.mul (call $add (local.get 0) (local.get 1)) (i32.const 10)))
)
