;; segloss' wasm SIMD kernels that work in place on tfjs-backend-wasm's heap: the module imports that
;; backend's memory, so the pointers are tensors' heap offsets and nothing is copied (compiled by
;; scripts/build-wasm.ts into heap-kernels-module.ts; loaded by heap-instance.ts).
(module
  (import "tfjs" "memory" (memory 0))

  ;; summary: one pass over n floats at x; returns (Σ x·0, min, max): the first is 0 when every value
  ;; is finite and NaN as soon as one is NaN or ±Inf; min and max are NaN when a value is NaN.
  (func (export "summary") (param $x i32) (param $n i32) (result f32 f32 f32)
    (local $end i32) (local $v v128) (local $probe v128) (local $lo v128) (local $hi v128)
    (local $s f32) (local $p f32) (local $l f32) (local $h f32)
    (local.set $lo (f32x4.splat (f32.const inf)))
    (local.set $hi (f32x4.splat (f32.const -inf)))
    (local.set $end (i32.add (local.get $x) (i32.shl (i32.and (local.get $n) (i32.const -4)) (i32.const 2))))
    (block $vdone
      (loop $vloop
        (br_if $vdone (i32.ge_u (local.get $x) (local.get $end)))
        (local.set $v (v128.load align=4 (local.get $x)))
        (local.set $probe (f32x4.add (local.get $probe) (f32x4.mul (local.get $v) (f32x4.splat (f32.const 0)))))
        (local.set $lo (f32x4.min (local.get $lo) (local.get $v)))
        (local.set $hi (f32x4.max (local.get $hi) (local.get $v)))
        (local.set $x (i32.add (local.get $x) (i32.const 16)))
        (br $vloop)))
    (local.set $p
      (f32.add (f32.add (f32x4.extract_lane 0 (local.get $probe)) (f32x4.extract_lane 1 (local.get $probe)))
        (f32.add (f32x4.extract_lane 2 (local.get $probe)) (f32x4.extract_lane 3 (local.get $probe)))))
    (local.set $l
      (f32.min (f32.min (f32x4.extract_lane 0 (local.get $lo)) (f32x4.extract_lane 1 (local.get $lo)))
        (f32.min (f32x4.extract_lane 2 (local.get $lo)) (f32x4.extract_lane 3 (local.get $lo)))))
    (local.set $h
      (f32.max (f32.max (f32x4.extract_lane 0 (local.get $hi)) (f32x4.extract_lane 1 (local.get $hi)))
        (f32.max (f32x4.extract_lane 2 (local.get $hi)) (f32x4.extract_lane 3 (local.get $hi)))))
    (local.set $end (i32.add (local.get $end) (i32.shl (i32.and (local.get $n) (i32.const 3)) (i32.const 2))))
    (block $sdone
      (loop $sloop
        (br_if $sdone (i32.ge_u (local.get $x) (local.get $end)))
        (local.set $s (f32.load (local.get $x)))
        (local.set $p (f32.add (local.get $p) (f32.mul (local.get $s) (f32.const 0))))
        (local.set $l (f32.min (local.get $l) (local.get $s)))
        (local.set $h (f32.max (local.get $h) (local.get $s)))
        (local.set $x (i32.add (local.get $x) (i32.const 4)))
        (br $sloop)))
    (local.get $p) (local.get $l) (local.get $h)
  )

  ;; colSums: out[j] = Σ_i x[i·cols + j] for a row-major [rows, cols] float32 matrix at x, out (cols
  ;; floats) overwritten. Two-level sum for accuracy: each block of 256 rows is summed in a register,
  ;; and the block sums are added to out; a block (at most 256·cols floats) stays in cache while its
  ;; column groups of 4 are summed. Columns past the last multiple of 4 are summed one by one.
  (func (export "colSums") (param $x i32) (param $rows i32) (param $cols i32) (param $out i32)
    (local $rowB i32) (local $r0 i32) (local $rn i32) (local $j i32) (local $p i32) (local $k i32)
    (local $cols4 i32) (local $acc v128) (local $sacc f32)
    (local.set $rowB (i32.shl (local.get $cols) (i32.const 2)))
    (local.set $cols4 (i32.and (local.get $cols) (i32.const -4)))
    ;; out = 0
    (local.set $j (i32.const 0))
    (block $zdone
      (loop $zloop
        (br_if $zdone (i32.ge_u (local.get $j) (local.get $cols)))
        (f32.store (i32.add (local.get $out) (i32.shl (local.get $j) (i32.const 2))) (f32.const 0))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $zloop)))
    (block $bdone
      (loop $blocks
        (br_if $bdone (i32.ge_u (local.get $r0) (local.get $rows)))
        (local.set $rn (i32.sub (local.get $rows) (local.get $r0)))
        (if (i32.gt_u (local.get $rn) (i32.const 256)) (then (local.set $rn (i32.const 256))))
        (local.set $j (i32.const 0))
        (block $gdone
          (loop $groups
            (br_if $gdone (i32.ge_u (local.get $j) (local.get $cols4)))
            (local.set $acc (v128.const i32x4 0 0 0 0))
            (local.set $p
              (i32.add (local.get $x)
                (i32.add (i32.mul (local.get $r0) (local.get $rowB)) (i32.shl (local.get $j) (i32.const 2)))))
            (local.set $k (local.get $rn))
            (loop $rowsLoop
              (local.set $acc (f32x4.add (local.get $acc) (v128.load align=4 (local.get $p))))
              (local.set $p (i32.add (local.get $p) (local.get $rowB)))
              (local.set $k (i32.sub (local.get $k) (i32.const 1)))
              (br_if $rowsLoop (local.get $k)))
            (local.set $p (i32.add (local.get $out) (i32.shl (local.get $j) (i32.const 2))))
            (v128.store align=4 (local.get $p) (f32x4.add (v128.load align=4 (local.get $p)) (local.get $acc)))
            (local.set $j (i32.add (local.get $j) (i32.const 4)))
            (br $groups)))
        (block $tdone
          (loop $tail
            (br_if $tdone (i32.ge_u (local.get $j) (local.get $cols)))
            (local.set $sacc (f32.const 0))
            (local.set $p
              (i32.add (local.get $x)
                (i32.add (i32.mul (local.get $r0) (local.get $rowB)) (i32.shl (local.get $j) (i32.const 2)))))
            (local.set $k (local.get $rn))
            (loop $trows
              (local.set $sacc (f32.add (local.get $sacc) (f32.load (local.get $p))))
              (local.set $p (i32.add (local.get $p) (local.get $rowB)))
              (local.set $k (i32.sub (local.get $k) (i32.const 1)))
              (br_if $trows (local.get $k)))
            (local.set $p (i32.add (local.get $out) (i32.shl (local.get $j) (i32.const 2))))
            (f32.store (local.get $p) (f32.add (f32.load (local.get $p)) (local.get $sacc)))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (br $tail)))
        (local.set $r0 (i32.add (local.get $r0) (i32.const 256)))
        (br $blocks)))
  )

  ;; The batch-norm passes below take a row-major [rows, cols] float32 matrix with cols a multiple of 4
  ;; and per-column vectors of cols floats; sums are two-level (256-row blocks in registers).

  ;; colSqDev: out[j] = Σ_i (x[i, j] − mean[j])²; out overwritten.
  (func (export "colSqDev") (param $x i32) (param $rows i32) (param $cols i32) (param $mean i32) (param $out i32)
    (local $rowB i32) (local $r0 i32) (local $rn i32) (local $j i32) (local $p i32) (local $k i32)
    (local $acc v128) (local $m v128) (local $d v128)
    (local.set $rowB (i32.shl (local.get $cols) (i32.const 2)))
    (call $zero (local.get $out) (local.get $cols))
    (block $bdone
      (loop $blocks
        (br_if $bdone (i32.ge_u (local.get $r0) (local.get $rows)))
        (local.set $rn (i32.sub (local.get $rows) (local.get $r0)))
        (if (i32.gt_u (local.get $rn) (i32.const 256)) (then (local.set $rn (i32.const 256))))
        (local.set $j (i32.const 0))
        (block $gdone
          (loop $groups
            (br_if $gdone (i32.ge_u (local.get $j) (local.get $cols)))
            (local.set $acc (v128.const i32x4 0 0 0 0))
            (local.set $m (v128.load align=4 (i32.add (local.get $mean) (i32.shl (local.get $j) (i32.const 2)))))
            (local.set $p
              (i32.add (local.get $x)
                (i32.add (i32.mul (local.get $r0) (local.get $rowB)) (i32.shl (local.get $j) (i32.const 2)))))
            (local.set $k (local.get $rn))
            (loop $rowsLoop
              (local.set $d (f32x4.sub (v128.load align=4 (local.get $p)) (local.get $m)))
              (local.set $acc (f32x4.add (local.get $acc) (f32x4.mul (local.get $d) (local.get $d))))
              (local.set $p (i32.add (local.get $p) (local.get $rowB)))
              (local.set $k (i32.sub (local.get $k) (i32.const 1)))
              (br_if $rowsLoop (local.get $k)))
            (local.set $p (i32.add (local.get $out) (i32.shl (local.get $j) (i32.const 2))))
            (v128.store align=4 (local.get $p) (f32x4.add (v128.load align=4 (local.get $p)) (local.get $acc)))
            (local.set $j (i32.add (local.get $j) (i32.const 4)))
            (br $groups)))
        (local.set $r0 (i32.add (local.get $r0) (i32.const 256)))
        (br $blocks)))
  )

  ;; colDotDev: out[j] = Σ_i dy[i, j] · (x[i, j] − mean[j]); out overwritten.
  (func (export "colDotDev")
    (param $dy i32) (param $x i32) (param $rows i32) (param $cols i32) (param $mean i32) (param $out i32)
    (local $rowB i32) (local $r0 i32) (local $rn i32) (local $j i32) (local $p i32) (local $q i32) (local $k i32)
    (local $acc v128) (local $m v128)
    (local.set $rowB (i32.shl (local.get $cols) (i32.const 2)))
    (call $zero (local.get $out) (local.get $cols))
    (block $bdone
      (loop $blocks
        (br_if $bdone (i32.ge_u (local.get $r0) (local.get $rows)))
        (local.set $rn (i32.sub (local.get $rows) (local.get $r0)))
        (if (i32.gt_u (local.get $rn) (i32.const 256)) (then (local.set $rn (i32.const 256))))
        (local.set $j (i32.const 0))
        (block $gdone
          (loop $groups
            (br_if $gdone (i32.ge_u (local.get $j) (local.get $cols)))
            (local.set $acc (v128.const i32x4 0 0 0 0))
            (local.set $m (v128.load align=4 (i32.add (local.get $mean) (i32.shl (local.get $j) (i32.const 2)))))
            (local.set $k (i32.add (i32.mul (local.get $r0) (local.get $rowB)) (i32.shl (local.get $j) (i32.const 2))))
            (local.set $p (i32.add (local.get $x) (local.get $k)))
            (local.set $q (i32.add (local.get $dy) (local.get $k)))
            (local.set $k (local.get $rn))
            (loop $rowsLoop
              (local.set $acc
                (f32x4.add (local.get $acc)
                  (f32x4.mul (v128.load align=4 (local.get $q))
                    (f32x4.sub (v128.load align=4 (local.get $p)) (local.get $m)))))
              (local.set $p (i32.add (local.get $p) (local.get $rowB)))
              (local.set $q (i32.add (local.get $q) (local.get $rowB)))
              (local.set $k (i32.sub (local.get $k) (i32.const 1)))
              (br_if $rowsLoop (local.get $k)))
            (local.set $p (i32.add (local.get $out) (i32.shl (local.get $j) (i32.const 2))))
            (v128.store align=4 (local.get $p) (f32x4.add (v128.load align=4 (local.get $p)) (local.get $acc)))
            (local.set $j (i32.add (local.get $j) (i32.const 4)))
            (br $groups)))
        (local.set $r0 (i32.add (local.get $r0) (i32.const 256)))
        (br $blocks)))
  )

  ;; affine: out[i, j] = a[j] · x[i, j] + b[j] (out may be x).
  (func (export "affine") (param $x i32) (param $rows i32) (param $cols i32) (param $a i32) (param $b i32) (param $out i32)
    (local $end i32) (local $j i32) (local $rowB i32)
    (local.set $rowB (i32.shl (local.get $cols) (i32.const 2)))
    (local.set $end (i32.add (local.get $x) (i32.mul (local.get $rows) (local.get $rowB))))
    (block $done
      (loop $elems
        (br_if $done (i32.ge_u (local.get $x) (local.get $end)))
        (v128.store align=4 (local.get $out)
          (f32x4.add
            (f32x4.mul (v128.load align=4 (i32.add (local.get $a) (local.get $j))) (v128.load align=4 (local.get $x)))
            (v128.load align=4 (i32.add (local.get $b) (local.get $j)))))
        (local.set $x (i32.add (local.get $x) (i32.const 16)))
        (local.set $out (i32.add (local.get $out) (i32.const 16)))
        (local.set $j (i32.add (local.get $j) (i32.const 16)))
        (if (i32.eq (local.get $j) (local.get $rowB)) (then (local.set $j (i32.const 0))))
        (br $elems)))
  )

  ;; affine2: out[i, j] = a[j] · dy[i, j] + b[j] · x[i, j] + c[j].
  (func (export "affine2")
    (param $dy i32) (param $x i32) (param $rows i32) (param $cols i32)
    (param $a i32) (param $b i32) (param $c i32) (param $out i32)
    (local $end i32) (local $j i32) (local $rowB i32)
    (local.set $rowB (i32.shl (local.get $cols) (i32.const 2)))
    (local.set $end (i32.add (local.get $x) (i32.mul (local.get $rows) (local.get $rowB))))
    (block $done
      (loop $elems
        (br_if $done (i32.ge_u (local.get $x) (local.get $end)))
        (v128.store align=4 (local.get $out)
          (f32x4.add
            (f32x4.add
              (f32x4.mul (v128.load align=4 (i32.add (local.get $a) (local.get $j))) (v128.load align=4 (local.get $dy)))
              (f32x4.mul (v128.load align=4 (i32.add (local.get $b) (local.get $j))) (v128.load align=4 (local.get $x))))
            (v128.load align=4 (i32.add (local.get $c) (local.get $j)))))
        (local.set $dy (i32.add (local.get $dy) (i32.const 16)))
        (local.set $x (i32.add (local.get $x) (i32.const 16)))
        (local.set $out (i32.add (local.get $out) (i32.const 16)))
        (local.set $j (i32.add (local.get $j) (i32.const 16)))
        (if (i32.eq (local.get $j) (local.get $rowB)) (then (local.set $j (i32.const 0))))
        (br $elems)))
  )

  ;; The U-Net's 2x2 blocks, over [n, H, W, C] tensors with C a multiple of 4 (rowB = W·C·4 bytes of
  ;; the full-resolution tensor, cB = C·4); both walk the half-resolution grid [n, oh, ow, C].

  ;; pool2x2Grad: the gradient of 2x2/2 max pooling. For each window the first maximum in row-major
  ;; order (strict >; NaN never wins; a window of NaN and -inf passes nothing) gets dy, the other three
  ;; get 0. x and dx are the full-resolution input and gradient, dy the pooled gradient.
  (func (export "pool2x2Grad")
    (param $x i32) (param $dy i32) (param $dx i32) (param $rows i32) (param $ow i32) (param $c i32) (param $w i32)
    (local $cB i32) (local $rowB i32) (local $r i32) (local $j i32) (local $k i32)
    (local $p i32) (local $q i32)
    (local $v0 v128) (local $v1 v128) (local $v2 v128) (local $v3 v128) (local $m v128) (local $g v128)
    (local $w0 v128) (local $w1 v128) (local $w2 v128) (local $w3 v128)
    (local.set $cB (i32.shl (local.get $c) (i32.const 2)))
    (local.set $rowB (i32.mul (local.get $w) (local.get $cB)))
    ;; rows = n·oh output rows; output row r starts at input row 2r of its image when H = 2·oh (the
    ;; caller passes x, dx offsets per image otherwise).
    (block $rdone
      (loop $rloop
        (br_if $rdone (i32.ge_u (local.get $r) (local.get $rows)))
        (local.set $j (i32.const 0))
        (block $jdone
          (loop $jloop
            (br_if $jdone (i32.ge_u (local.get $j) (local.get $ow)))
            (local.set $k (i32.const 0))
            (block $kdone
              (loop $kloop
                (br_if $kdone (i32.ge_u (local.get $k) (local.get $cB)))
                ;; p: byte offset of the window's top-left channel group in x/dx
                (local.set $p
                  (i32.add
                    (i32.add (i32.mul (i32.shl (local.get $r) (i32.const 1)) (local.get $rowB))
                      (i32.mul (i32.shl (local.get $j) (i32.const 1)) (local.get $cB)))
                    (local.get $k)))
                (local.set $v0 (v128.load align=4 (i32.add (local.get $x) (local.get $p))))
                (local.set $v1 (v128.load align=4 (i32.add (i32.add (local.get $x) (local.get $p)) (local.get $cB))))
                (local.set $v2 (v128.load align=4 (i32.add (i32.add (local.get $x) (local.get $p)) (local.get $rowB))))
                (local.set $v3
                  (v128.load align=4
                    (i32.add (i32.add (i32.add (local.get $x) (local.get $p)) (local.get $rowB)) (local.get $cB))))
                (local.set $w0 (f32x4.gt (local.get $v0) (f32x4.splat (f32.const -inf))))
                (local.set $m (v128.bitselect (local.get $v0) (f32x4.splat (f32.const -inf)) (local.get $w0)))
                (local.set $w1 (f32x4.gt (local.get $v1) (local.get $m)))
                (local.set $m (v128.bitselect (local.get $v1) (local.get $m) (local.get $w1)))
                (local.set $w0 (v128.andnot (local.get $w0) (local.get $w1)))
                (local.set $w2 (f32x4.gt (local.get $v2) (local.get $m)))
                (local.set $m (v128.bitselect (local.get $v2) (local.get $m) (local.get $w2)))
                (local.set $w0 (v128.andnot (local.get $w0) (local.get $w2)))
                (local.set $w1 (v128.andnot (local.get $w1) (local.get $w2)))
                (local.set $w3 (f32x4.gt (local.get $v3) (local.get $m)))
                (local.set $w0 (v128.andnot (local.get $w0) (local.get $w3)))
                (local.set $w1 (v128.andnot (local.get $w1) (local.get $w3)))
                (local.set $w2 (v128.andnot (local.get $w2) (local.get $w3)))
                ;; q: byte offset of the pooled gradient's channel group
                (local.set $q
                  (i32.add (i32.mul (i32.add (i32.mul (local.get $r) (local.get $ow)) (local.get $j)) (local.get $cB))
                    (local.get $k)))
                (local.set $g (v128.load align=4 (i32.add (local.get $dy) (local.get $q))))
                (local.set $q (i32.add (local.get $dx) (local.get $p)))
                (v128.store align=4 (local.get $q) (v128.and (local.get $g) (local.get $w0)))
                (v128.store align=4 (i32.add (local.get $q) (local.get $cB)) (v128.and (local.get $g) (local.get $w1)))
                (v128.store align=4 (i32.add (local.get $q) (local.get $rowB)) (v128.and (local.get $g) (local.get $w2)))
                (v128.store align=4 (i32.add (i32.add (local.get $q) (local.get $rowB)) (local.get $cB))
                  (v128.and (local.get $g) (local.get $w3)))
                (local.set $k (i32.add (local.get $k) (i32.const 16)))
                (br $kloop)))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (br $jloop)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $rloop)))
  )

  ;; up2x2Grad: the gradient of x2 nearest up-sampling: dx[row r, col j] = the sum of the 2x2 block of
  ;; dy at (2r, 2j); dy is the full-resolution gradient (width w), dx the half-resolution one.
  (func (export "up2x2Grad")
    (param $dy i32) (param $dx i32) (param $rows i32) (param $ow i32) (param $c i32) (param $w i32)
    (local $cB i32) (local $rowB i32) (local $r i32) (local $j i32) (local $k i32) (local $p i32)
    (local.set $cB (i32.shl (local.get $c) (i32.const 2)))
    (local.set $rowB (i32.mul (local.get $w) (local.get $cB)))
    (block $rdone
      (loop $rloop
        (br_if $rdone (i32.ge_u (local.get $r) (local.get $rows)))
        (local.set $j (i32.const 0))
        (block $jdone
          (loop $jloop
            (br_if $jdone (i32.ge_u (local.get $j) (local.get $ow)))
            (local.set $k (i32.const 0))
            (block $kdone
              (loop $kloop
                (br_if $kdone (i32.ge_u (local.get $k) (local.get $cB)))
                (local.set $p
                  (i32.add (local.get $dy)
                    (i32.add
                      (i32.add (i32.mul (i32.shl (local.get $r) (i32.const 1)) (local.get $rowB))
                        (i32.mul (i32.shl (local.get $j) (i32.const 1)) (local.get $cB)))
                      (local.get $k))))
                (v128.store align=4
                  (i32.add (local.get $dx)
                    (i32.add (i32.mul (i32.add (i32.mul (local.get $r) (local.get $ow)) (local.get $j)) (local.get $cB))
                      (local.get $k)))
                  (f32x4.add
                    (f32x4.add (v128.load align=4 (local.get $p))
                      (v128.load align=4 (i32.add (local.get $p) (local.get $cB))))
                    (f32x4.add (v128.load align=4 (i32.add (local.get $p) (local.get $rowB)))
                      (v128.load align=4 (i32.add (i32.add (local.get $p) (local.get $rowB)) (local.get $cB))))))
                (local.set $k (i32.add (local.get $k) (i32.const 16)))
                (br $kloop)))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (br $jloop)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $rloop)))
  )

  ;; zero: n floats at p set to 0.
  (func $zero (param $p i32) (param $n i32)
    (local $end i32)
    (local.set $end (i32.add (local.get $p) (i32.shl (local.get $n) (i32.const 2))))
    (block $done
      (loop $l
        (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
        (f32.store (local.get $p) (f32.const 0))
        (local.set $p (i32.add (local.get $p) (i32.const 4)))
        (br $l)))
  )
)
