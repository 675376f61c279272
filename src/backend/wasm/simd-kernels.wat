;; segloss' wasm SIMD kernels for the conv gradients (compiled by scripts/build-wasm.ts into
;; simd-kernels-module.ts; the operand layouts are set up by src/backend/kernels/filter-grad-simd.ts and
;; input-grad-simd.ts).
(module
  (memory (export "memory") 1)

  ;; filterGrad: out[t, ci, co] += Σ_q x_t[q, ci] · dy[q, co] for every tap t, where x_t is the grid
  ;; whose first row sits at the i32 pointer xTab[t] (bytes), dy is the [cells, cout] grid at dy, and
  ;; out is [ntaps, cin, cout]; cin is a multiple of 4, cout of 8, all pointers 16-byte aligned.
  ;; The q axis is walked in blocks of `block` rows so that the x and dy rows of a block stay in cache
  ;; while every (tap, ci, co) tile reads them; a tile is 4 ci x 8 co held in 8 v128 accumulators.
  (func (export "filterGrad")
    (param $xTab i32) (param $ntaps i32) (param $dy i32) (param $out i32)
    (param $cells i32) (param $cin i32) (param $cout i32) (param $block i32)
    (local $q0 i32) (local $qn i32) (local $t i32) (local $ci i32) (local $co i32)
    (local $xRow i32) (local $dyRow i32) (local $xBase i32) (local $dyBase i32)
    (local $xp i32) (local $dp i32) (local $op i32) (local $n i32)
    (local $a v128) (local $d0 v128) (local $d1 v128)
    (local $c0 v128) (local $c1 v128) (local $c2 v128) (local $c3 v128)
    (local $c4 v128) (local $c5 v128) (local $c6 v128) (local $c7 v128)
    (local.set $xRow (i32.shl (local.get $cin) (i32.const 2)))
    (local.set $dyRow (i32.shl (local.get $cout) (i32.const 2)))
    (block $done
      (loop $blocks
        (br_if $done (i32.ge_s (local.get $q0) (local.get $cells)))
        (local.set $qn (i32.sub (local.get $cells) (local.get $q0)))
        (if (i32.gt_s (local.get $qn) (local.get $block)) (then (local.set $qn (local.get $block))))
        (local.set $dyBase (i32.add (local.get $dy) (i32.mul (local.get $q0) (local.get $dyRow))))
        (local.set $t (i32.const 0))
        (loop $taps
          (local.set $xBase
            (i32.add
              (i32.load (i32.add (local.get $xTab) (i32.shl (local.get $t) (i32.const 2))))
              (i32.mul (local.get $q0) (local.get $xRow))))
          (local.set $ci (i32.const 0))
          (loop $cis
            (local.set $co (i32.const 0))
            (loop $cos
              ;; op = out + ((t·cin + ci)·cout + co)·4
              (local.set $op
                (i32.add (local.get $out)
                  (i32.shl
                    (i32.add
                      (i32.mul (i32.add (i32.mul (local.get $t) (local.get $cin)) (local.get $ci))
                        (local.get $cout))
                      (local.get $co))
                    (i32.const 2))))
              (local.set $c0 (v128.load (local.get $op)))
              (local.set $c4 (v128.load offset=16 (local.get $op)))
              (local.set $c1 (v128.load (i32.add (local.get $op) (local.get $dyRow))))
              (local.set $c5 (v128.load offset=16 (i32.add (local.get $op) (local.get $dyRow))))
              (local.set $c2 (v128.load (i32.add (local.get $op) (i32.shl (local.get $dyRow) (i32.const 1)))))
              (local.set $c6 (v128.load offset=16 (i32.add (local.get $op) (i32.shl (local.get $dyRow) (i32.const 1)))))
              (local.set $c3 (v128.load (i32.add (local.get $op) (i32.mul (local.get $dyRow) (i32.const 3)))))
              (local.set $c7 (v128.load offset=16 (i32.add (local.get $op) (i32.mul (local.get $dyRow) (i32.const 3)))))
              (local.set $xp (i32.add (local.get $xBase) (i32.shl (local.get $ci) (i32.const 2))))
              (local.set $dp (i32.add (local.get $dyBase) (i32.shl (local.get $co) (i32.const 2))))
              (local.set $n (local.get $qn))
              (loop $q
                (local.set $d0 (v128.load (local.get $dp)))
                (local.set $d1 (v128.load offset=16 (local.get $dp)))
                (local.set $a (v128.load32_splat (local.get $xp)))
                (local.set $c0 (f32x4.add (local.get $c0) (f32x4.mul (local.get $a) (local.get $d0))))
                (local.set $c4 (f32x4.add (local.get $c4) (f32x4.mul (local.get $a) (local.get $d1))))
                (local.set $a (v128.load32_splat offset=4 (local.get $xp)))
                (local.set $c1 (f32x4.add (local.get $c1) (f32x4.mul (local.get $a) (local.get $d0))))
                (local.set $c5 (f32x4.add (local.get $c5) (f32x4.mul (local.get $a) (local.get $d1))))
                (local.set $a (v128.load32_splat offset=8 (local.get $xp)))
                (local.set $c2 (f32x4.add (local.get $c2) (f32x4.mul (local.get $a) (local.get $d0))))
                (local.set $c6 (f32x4.add (local.get $c6) (f32x4.mul (local.get $a) (local.get $d1))))
                (local.set $a (v128.load32_splat offset=12 (local.get $xp)))
                (local.set $c3 (f32x4.add (local.get $c3) (f32x4.mul (local.get $a) (local.get $d0))))
                (local.set $c7 (f32x4.add (local.get $c7) (f32x4.mul (local.get $a) (local.get $d1))))
                (local.set $xp (i32.add (local.get $xp) (local.get $xRow)))
                (local.set $dp (i32.add (local.get $dp) (local.get $dyRow)))
                (local.set $n (i32.sub (local.get $n) (i32.const 1)))
                (br_if $q (local.get $n)))
              (v128.store (local.get $op) (local.get $c0))
              (v128.store offset=16 (local.get $op) (local.get $c4))
              (v128.store (i32.add (local.get $op) (local.get $dyRow)) (local.get $c1))
              (v128.store offset=16 (i32.add (local.get $op) (local.get $dyRow)) (local.get $c5))
              (v128.store (i32.add (local.get $op) (i32.shl (local.get $dyRow) (i32.const 1))) (local.get $c2))
              (v128.store offset=16 (i32.add (local.get $op) (i32.shl (local.get $dyRow) (i32.const 1))) (local.get $c6))
              (v128.store (i32.add (local.get $op) (i32.mul (local.get $dyRow) (i32.const 3))) (local.get $c3))
              (v128.store offset=16 (i32.add (local.get $op) (i32.mul (local.get $dyRow) (i32.const 3))) (local.get $c7))
              (local.set $co (i32.add (local.get $co) (i32.const 8)))
              (br_if $cos (i32.lt_s (local.get $co) (local.get $cout))))
            (local.set $ci (i32.add (local.get $ci) (i32.const 4)))
            (br_if $cis (i32.lt_s (local.get $ci) (local.get $cin))))
          (local.set $t (i32.add (local.get $t) (i32.const 1)))
          (br_if $taps (i32.lt_s (local.get $t) (local.get $ntaps))))
        (local.set $q0 (i32.add (local.get $q0) (local.get $block)))
        (br $blocks)))
  )

  ;; inputGrad: for each of `rows` grid rows r = (m, i) (m < rows / inH, i < inH) and each of its
  ;; first w4 cells j (w4 a multiple of 4), out[r, j, ci] = Σ_t Σ_co dy[q + offTab[t], co] · w[t, co, ci]
  ;; with q = (m·hg + i)·wg + j the flat cell of the [*, hg, wg, cout] grid at dy; offTab holds byte
  ;; offsets, w is [ntaps, cout, cin], out is [rows, w4, cin]; cin is a multiple of 8, pointers
  ;; 16-byte aligned. A tile is 4 cells x 8 ci held in 8 v128 accumulators.
  (func (export "inputGrad")
    (param $dy i32) (param $offTab i32) (param $ntaps i32) (param $w i32) (param $out i32)
    (param $rows i32) (param $inH i32) (param $hg i32) (param $wg i32) (param $w4 i32)
    (param $cout i32) (param $cin i32)
    (local $r i32) (local $j0 i32) (local $ci i32) (local $t i32) (local $n i32)
    (local $dyRow i32) (local $d2 i32) (local $d3 i32) (local $wRow i32) (local $wTap i32)
    (local $rowPtr i32) (local $dp i32) (local $wp i32) (local $op i32) (local $cinB i32)
    (local $a v128) (local $w0 v128) (local $w1 v128)
    (local $c0 v128) (local $c1 v128) (local $c2 v128) (local $c3 v128)
    (local $c4 v128) (local $c5 v128) (local $c6 v128) (local $c7 v128)
    (local.set $dyRow (i32.shl (local.get $cout) (i32.const 2)))
    (local.set $d2 (i32.shl (local.get $dyRow) (i32.const 1)))
    (local.set $d3 (i32.add (local.get $d2) (local.get $dyRow)))
    (local.set $wRow (i32.shl (local.get $cin) (i32.const 2)))
    (local.set $cinB (local.get $wRow))
    (local.set $wTap (i32.mul (local.get $cout) (local.get $wRow)))
    (local.set $op (local.get $out))
    (block $done
      (loop $rowsLoop
        (br_if $done (i32.ge_s (local.get $r) (local.get $rows)))
        (local.set $rowPtr
          (i32.add (local.get $dy)
            (i32.mul
              (i32.mul
                (i32.add
                  (i32.mul (i32.div_u (local.get $r) (local.get $inH)) (local.get $hg))
                  (i32.rem_u (local.get $r) (local.get $inH)))
                (local.get $wg))
              (local.get $dyRow))))
        (local.set $j0 (i32.const 0))
        (loop $cells
          (local.set $ci (i32.const 0))
          (loop $cis
            (local.set $c0 (v128.const i32x4 0 0 0 0))
            (local.set $c1 (v128.const i32x4 0 0 0 0))
            (local.set $c2 (v128.const i32x4 0 0 0 0))
            (local.set $c3 (v128.const i32x4 0 0 0 0))
            (local.set $c4 (v128.const i32x4 0 0 0 0))
            (local.set $c5 (v128.const i32x4 0 0 0 0))
            (local.set $c6 (v128.const i32x4 0 0 0 0))
            (local.set $c7 (v128.const i32x4 0 0 0 0))
            (local.set $t (i32.const 0))
            (loop $taps
              (local.set $dp
                (i32.add
                  (i32.add (local.get $rowPtr) (i32.mul (local.get $j0) (local.get $dyRow)))
                  (i32.load (i32.add (local.get $offTab) (i32.shl (local.get $t) (i32.const 2))))))
              (local.set $wp
                (i32.add (i32.add (local.get $w) (i32.mul (local.get $t) (local.get $wTap)))
                  (i32.shl (local.get $ci) (i32.const 2))))
              (local.set $n (local.get $cout))
              (loop $co
                (local.set $w0 (v128.load (local.get $wp)))
                (local.set $w1 (v128.load offset=16 (local.get $wp)))
                (local.set $a (v128.load32_splat (local.get $dp)))
                (local.set $c0 (f32x4.add (local.get $c0) (f32x4.mul (local.get $a) (local.get $w0))))
                (local.set $c4 (f32x4.add (local.get $c4) (f32x4.mul (local.get $a) (local.get $w1))))
                (local.set $a (v128.load32_splat (i32.add (local.get $dp) (local.get $dyRow))))
                (local.set $c1 (f32x4.add (local.get $c1) (f32x4.mul (local.get $a) (local.get $w0))))
                (local.set $c5 (f32x4.add (local.get $c5) (f32x4.mul (local.get $a) (local.get $w1))))
                (local.set $a (v128.load32_splat (i32.add (local.get $dp) (local.get $d2))))
                (local.set $c2 (f32x4.add (local.get $c2) (f32x4.mul (local.get $a) (local.get $w0))))
                (local.set $c6 (f32x4.add (local.get $c6) (f32x4.mul (local.get $a) (local.get $w1))))
                (local.set $a (v128.load32_splat (i32.add (local.get $dp) (local.get $d3))))
                (local.set $c3 (f32x4.add (local.get $c3) (f32x4.mul (local.get $a) (local.get $w0))))
                (local.set $c7 (f32x4.add (local.get $c7) (f32x4.mul (local.get $a) (local.get $w1))))
                (local.set $dp (i32.add (local.get $dp) (i32.const 4)))
                (local.set $wp (i32.add (local.get $wp) (local.get $wRow)))
                (local.set $n (i32.sub (local.get $n) (i32.const 1)))
                (br_if $co (local.get $n)))
              (local.set $t (i32.add (local.get $t) (i32.const 1)))
              (br_if $taps (i32.lt_s (local.get $t) (local.get $ntaps))))
            ;; op + ci·4 for cell j0 .. j0+3 (rows of cinB bytes)
            (local.set $wp (i32.add (local.get $op) (i32.shl (local.get $ci) (i32.const 2))))
            (v128.store (local.get $wp) (local.get $c0))
            (v128.store offset=16 (local.get $wp) (local.get $c4))
            (local.set $wp (i32.add (local.get $wp) (local.get $cinB)))
            (v128.store (local.get $wp) (local.get $c1))
            (v128.store offset=16 (local.get $wp) (local.get $c5))
            (local.set $wp (i32.add (local.get $wp) (local.get $cinB)))
            (v128.store (local.get $wp) (local.get $c2))
            (v128.store offset=16 (local.get $wp) (local.get $c6))
            (local.set $wp (i32.add (local.get $wp) (local.get $cinB)))
            (v128.store (local.get $wp) (local.get $c3))
            (v128.store offset=16 (local.get $wp) (local.get $c7))
            (local.set $ci (i32.add (local.get $ci) (i32.const 8)))
            (br_if $cis (i32.lt_s (local.get $ci) (local.get $cin))))
          (local.set $op (i32.add (local.get $op) (i32.shl (local.get $cinB) (i32.const 2))))
          (local.set $j0 (i32.add (local.get $j0) (i32.const 4)))
          (br_if $cells (i32.lt_s (local.get $j0) (local.get $w4))))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $rowsLoop)))
  )
)
