;; Hand-written WebAssembly SIMD kernels that run on the tfjs wasm backend's own heap (the module
;; imports its memory, so tensors are read and written in place, without copies). Assembled at
;; start-up by wabt (trainer/backend/simd.ts). All pointers are byte offsets into that memory.
(module
  (import "env" "memory" (memory 1))

  ;; Filter and bias gradients of y = maxPool2x2(conv(x, W) + b) (stride-1 conv), given x, the
  ;; conv output z and dy: see trainer/train/convPool.ts. Every pooled gradient goes to the first
  ;; maximum of its window (tfjs's MaxPoolGrad rule; a NaN is passed over) and from there to the
  ;; filter taps through the input patch under that position.
  ;;
  ;; Four channels at a time: per window, the candidate input values of each tap for the four
  ;; possible winners are splatted once into `cand` (T × 4 vectors, T = FH·FW·CI), then per
  ;; channel vector the running-max comparisons s1..s3 select, lane by lane, the winner's value.
  ;; Requires CO % 4 == 0; dW (T·CO floats) and db (CO floats) must be zeroed by the caller.
  (func (export "convPoolGrad")
    (param $x i32) (param $z i32) (param $dy i32) (param $dW i32) (param $db i32) (param $cand i32)
    (param $B i32) (param $inH i32) (param $inW i32) (param $CI i32)
    (param $outH i32) (param $outW i32) (param $CO i32)
    (param $FH i32) (param $FW i32) (param $pt i32) (param $pl i32)
    (local $OH i32) (local $OW i32) (local $T i32) (local $rowB i32) (local $coB i32)
    (local $b i32) (local $oh i32) (local $ow i32) (local $c i32) (local $t i32)
    (local $kh i32) (local $kw i32) (local $k i32) (local $w i32) (local $ih i32) (local $iw i32)
    (local $p00 i32) (local $dyo i32) (local $cv i32) (local $a i32) (local $v f32)
    (local $m v128) (local $s1 v128) (local $s2 v128) (local $s3 v128) (local $g v128)
    (local $z1 v128) (local $xs v128)
    (local.set $OH (i32.shr_u (local.get $outH) (i32.const 1)))
    (local.set $OW (i32.shr_u (local.get $outW) (i32.const 1)))
    (local.set $T (i32.mul (i32.mul (local.get $FH) (local.get $FW)) (local.get $CI)))
    (local.set $coB (i32.shl (local.get $CO) (i32.const 2)))
    (local.set $rowB (i32.mul (local.get $outW) (local.get $coB)))
    (local.set $dyo (local.get $dy))
    (local.set $b (i32.const 0))
    (block $bDone (loop $bLoop
      (br_if $bDone (i32.ge_u (local.get $b) (local.get $B)))
      (local.set $oh (i32.const 0))
      (block $ohDone (loop $ohLoop
        (br_if $ohDone (i32.ge_u (local.get $oh) (local.get $OH)))
        (local.set $ow (i32.const 0))
        (block $owDone (loop $owLoop
          (br_if $owDone (i32.ge_u (local.get $ow) (local.get $OW)))

          ;; cand[t][w] = splat(x at winner w's tap t), 0 outside the image
          (local.set $cv (local.get $cand))
          (local.set $kh (i32.const 0))
          (block $khDone (loop $khLoop
            (br_if $khDone (i32.ge_u (local.get $kh) (local.get $FH)))
            (local.set $kw (i32.const 0))
            (block $kwDone (loop $kwLoop
              (br_if $kwDone (i32.ge_u (local.get $kw) (local.get $FW)))
              (local.set $k (i32.const 0))
              (block $kDone (loop $kLoop
                (br_if $kDone (i32.ge_u (local.get $k) (local.get $CI)))
                (local.set $w (i32.const 0))
                (block $wDone (loop $wLoop
                  (br_if $wDone (i32.ge_u (local.get $w) (i32.const 4)))
                  ;; ih = 2·oh + (w >> 1) + kh − pt ; iw = 2·ow + (w & 1) + kw − pl
                  (local.set $ih (i32.sub (i32.add (i32.add (i32.shl (local.get $oh) (i32.const 1)) (i32.shr_u (local.get $w) (i32.const 1))) (local.get $kh)) (local.get $pt)))
                  (local.set $iw (i32.sub (i32.add (i32.add (i32.shl (local.get $ow) (i32.const 1)) (i32.and (local.get $w) (i32.const 1))) (local.get $kw)) (local.get $pl)))
                  (local.set $v (f32.const 0))
                  ;; unsigned compares also reject negative indices
                  (if (i32.and (i32.lt_u (local.get $ih) (local.get $inH)) (i32.lt_u (local.get $iw) (local.get $inW)))
                    (then
                      (local.set $v (f32.load (i32.add (local.get $x)
                        (i32.shl (i32.add (i32.mul (i32.add (i32.mul (i32.add (i32.mul (local.get $b) (local.get $inH)) (local.get $ih)) (local.get $inW)) (local.get $iw)) (local.get $CI)) (local.get $k)) (i32.const 2)))))))
                  (v128.store (local.get $cv) (f32x4.splat (local.get $v)))
                  (local.set $cv (i32.add (local.get $cv) (i32.const 16)))
                  (local.set $w (i32.add (local.get $w) (i32.const 1)))
                  (br $wLoop)))
                (local.set $k (i32.add (local.get $k) (i32.const 1)))
                (br $kLoop)))
              (local.set $kw (i32.add (local.get $kw) (i32.const 1)))
              (br $kwLoop)))
            (local.set $kh (i32.add (local.get $kh) (i32.const 1)))
            (br $khLoop)))

          ;; p00 = z + ((b·outH + 2·oh)·outW + 2·ow)·CO·4
          (local.set $p00 (i32.add (local.get $z)
            (i32.mul (i32.add (i32.mul (i32.add (i32.mul (local.get $b) (local.get $outH)) (i32.shl (local.get $oh) (i32.const 1))) (local.get $outW)) (i32.shl (local.get $ow) (i32.const 1))) (local.get $coB))))
          (local.set $c (i32.const 0))
          (block $cDone (loop $cLoop
            (br_if $cDone (i32.ge_u (local.get $c) (local.get $coB)))
            ;; running first maximum over the window's 4 positions; s_k: position k took over
            (local.set $m (v128.load (i32.add (local.get $p00) (local.get $c))))
            (local.set $z1 (v128.load (i32.add (i32.add (local.get $p00) (local.get $coB)) (local.get $c))))
            (local.set $s1 (v128.or (f32x4.gt (local.get $z1) (local.get $m)) (f32x4.ne (local.get $m) (local.get $m))))
            (local.set $m (v128.bitselect (local.get $z1) (local.get $m) (local.get $s1)))
            (local.set $z1 (v128.load (i32.add (i32.add (local.get $p00) (local.get $rowB)) (local.get $c))))
            (local.set $s2 (v128.or (f32x4.gt (local.get $z1) (local.get $m)) (f32x4.ne (local.get $m) (local.get $m))))
            (local.set $m (v128.bitselect (local.get $z1) (local.get $m) (local.get $s2)))
            (local.set $z1 (v128.load (i32.add (i32.add (i32.add (local.get $p00) (local.get $rowB)) (local.get $coB)) (local.get $c))))
            (local.set $s3 (v128.or (f32x4.gt (local.get $z1) (local.get $m)) (f32x4.ne (local.get $m) (local.get $m))))
            (local.set $g (v128.load (i32.add (local.get $dyo) (local.get $c))))
            (local.set $a (i32.add (local.get $db) (local.get $c)))
            (v128.store (local.get $a) (f32x4.add (v128.load (local.get $a)) (local.get $g)))
            ;; dW[t][c..c+3] += g · (value of tap t under each lane's winner)
            (local.set $cv (local.get $cand))
            (local.set $a (i32.add (local.get $dW) (local.get $c)))
            (local.set $t (i32.const 0))
            (block $tDone (loop $tLoop
              (br_if $tDone (i32.ge_u (local.get $t) (local.get $T)))
              (local.set $xs (v128.bitselect (v128.load offset=16 (local.get $cv)) (v128.load (local.get $cv)) (local.get $s1)))
              (local.set $xs (v128.bitselect (v128.load offset=32 (local.get $cv)) (local.get $xs) (local.get $s2)))
              (local.set $xs (v128.bitselect (v128.load offset=48 (local.get $cv)) (local.get $xs) (local.get $s3)))
              (v128.store (local.get $a) (f32x4.add (v128.load (local.get $a)) (f32x4.mul (local.get $g) (local.get $xs))))
              (local.set $cv (i32.add (local.get $cv) (i32.const 64)))
              (local.set $a (i32.add (local.get $a) (local.get $coB)))
              (local.set $t (i32.add (local.get $t) (i32.const 1)))
              (br $tLoop)))
            (local.set $c (i32.add (local.get $c) (i32.const 16)))
            (br $cLoop)))
          (local.set $dyo (i32.add (local.get $dyo) (local.get $coB)))
          (local.set $ow (i32.add (local.get $ow) (i32.const 1)))
          (br $owLoop)))
        (local.set $oh (i32.add (local.get $oh) (i32.const 1)))
        (br $ohLoop)))
      (local.set $b (i32.add (local.get $b) (i32.const 1)))
      (br $bLoop)))
  )
;; col2im for Conv2DBackpropInput: adds each column block of `cols` ([N, FH·FW·C], N = batch·outH·outW,
;; taps in filter order) onto the image gradient `dx` ([B, inH, inW, C], zeroed by the caller).
;; The columns are read in order; each tap adds a contiguous run of C channels, four at a time.
  (func (export "col2im")
    (param $cols i32) (param $dx i32) (param $B i32) (param $inH i32) (param $inW i32) (param $C i32)
    (param $outH i32) (param $outW i32) (param $FH i32) (param $FW i32) (param $SH i32) (param $SW i32)
    (param $DH i32) (param $DW i32) (param $pt i32) (param $pl i32)
    (local $b i32) (local $oh i32) (local $ow i32) (local $kh i32) (local $kw i32) (local $ih i32) (local $iw i32)
    (local $s i32) (local $d i32) (local $c i32) (local $cB i32) (local $c4 i32)
    (local.set $cB (i32.shl (local.get $C) (i32.const 2)))
    (local.set $c4 (i32.and (local.get $cB) (i32.const -16)))
    (local.set $s (local.get $cols))
    (local.set $b (i32.const 0))
    (block $bDone (loop $bLoop
      (br_if $bDone (i32.ge_u (local.get $b) (local.get $B)))
      (local.set $oh (i32.const 0))
      (block $ohDone (loop $ohLoop
        (br_if $ohDone (i32.ge_u (local.get $oh) (local.get $outH)))
        (local.set $ow (i32.const 0))
        (block $owDone (loop $owLoop
          (br_if $owDone (i32.ge_u (local.get $ow) (local.get $outW)))
          (local.set $kh (i32.const 0))
          (block $khDone (loop $khLoop
            (br_if $khDone (i32.ge_u (local.get $kh) (local.get $FH)))
            (local.set $ih (i32.sub (i32.add (i32.mul (local.get $oh) (local.get $SH)) (i32.mul (local.get $kh) (local.get $DH))) (local.get $pt)))
            (local.set $kw (i32.const 0))
            (block $kwDone (loop $kwLoop
              (br_if $kwDone (i32.ge_u (local.get $kw) (local.get $FW)))
              (local.set $iw (i32.sub (i32.add (i32.mul (local.get $ow) (local.get $SW)) (i32.mul (local.get $kw) (local.get $DW))) (local.get $pl)))
              ;; unsigned compares also reject negative indices
              (if (i32.and (i32.lt_u (local.get $ih) (local.get $inH)) (i32.lt_u (local.get $iw) (local.get $inW)))
                (then
                  (local.set $d (i32.add (local.get $dx)
                    (i32.mul (i32.add (i32.mul (i32.add (i32.mul (local.get $b) (local.get $inH)) (local.get $ih)) (local.get $inW)) (local.get $iw)) (local.get $cB))))
                  (local.set $c (i32.const 0))
                  (block $vDone (loop $vLoop
                    (br_if $vDone (i32.ge_u (local.get $c) (local.get $c4)))
                    (v128.store (i32.add (local.get $d) (local.get $c))
                      (f32x4.add (v128.load (i32.add (local.get $d) (local.get $c))) (v128.load (i32.add (local.get $s) (local.get $c)))))
                    (local.set $c (i32.add (local.get $c) (i32.const 16)))
                    (br $vLoop)))
                  (block $tDone (loop $tLoop
                    (br_if $tDone (i32.ge_u (local.get $c) (local.get $cB)))
                    (f32.store (i32.add (local.get $d) (local.get $c))
                      (f32.add (f32.load (i32.add (local.get $d) (local.get $c))) (f32.load (i32.add (local.get $s) (local.get $c)))))
                    (local.set $c (i32.add (local.get $c) (i32.const 4)))
                    (br $tLoop)))))
              (local.set $s (i32.add (local.get $s) (local.get $cB)))
              (local.set $kw (i32.add (local.get $kw) (i32.const 1)))
              (br $kwLoop)))
            (local.set $kh (i32.add (local.get $kh) (i32.const 1)))
            (br $khLoop)))
          (local.set $ow (i32.add (local.get $ow) (i32.const 1)))
          (br $owLoop)))
        (local.set $oh (i32.add (local.get $oh) (i32.const 1)))
        (br $ohLoop)))
      (local.set $b (i32.add (local.get $b) (i32.const 1)))
      (br $bLoop)))
  )
)
