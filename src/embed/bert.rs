//! The BERT encoder forward pass, written out by hand.
//!
//! Inference of a 6-layer encoder is a handful of matrix products, layer
//! norms and a softmax; a deep-learning framework would multiply the build
//! time for no gain. The products go to `matrixmultiply`, which picks SIMD
//! kernels at run time and works on strided views, so no transposed copies
//! of the weights or of the attention heads are ever made.
//!
//! A batch is *packed*: the tokens of all its sequences are rows of one
//! matrix, with no padding. Every layer except attention works row by row,
//! so the dense layers run as one large product per batch, and attention,
//! the only place where tokens meet, runs per sequence. Padding, attention
//! masks and sorting by length are therefore unnecessary.

use safetensors::{Dtype, SafeTensors};
use serde::Deserialize;

/// The subset of a Hugging Face `config.json` that the forward pass uses.
#[derive(Deserialize)]
pub(crate) struct Config {
    vocab_size: usize,
    hidden_size: usize,
    num_hidden_layers: usize,
    num_attention_heads: usize,
    intermediate_size: usize,
    pub(crate) max_position_embeddings: usize,
    layer_norm_eps: f32,
    hidden_act: String,
    #[serde(default = "absolute")]
    position_embedding_type: String,
}

fn absolute() -> String {
    "absolute".to_string()
}

impl Config {
    pub(crate) fn parse(json: &[u8]) -> Result<Config, String> {
        let config: Config = serde_json::from_slice(json).map_err(|err| err.to_string())?;
        if config.hidden_act != "gelu" {
            return Err(format!(
                "hidden_act \"{}\" is not supported (only \"gelu\")",
                config.hidden_act
            ));
        }
        if config.position_embedding_type != "absolute" {
            return Err(format!(
                "position_embedding_type \"{}\" is not supported (only \"absolute\")",
                config.position_embedding_type
            ));
        }
        if config.num_attention_heads == 0
            || !config
                .hidden_size
                .is_multiple_of(config.num_attention_heads)
        {
            return Err(format!(
                "hidden_size {} is not a multiple of num_attention_heads {}",
                config.hidden_size, config.num_attention_heads
            ));
        }
        Ok(config)
    }

    pub(crate) fn vocab_size(&self) -> usize {
        self.vocab_size
    }
}

pub(crate) struct Bert {
    hidden: usize,
    heads: usize,
    eps: f32,
    word_embeddings: Vec<f32>,
    position_embeddings: Vec<f32>,
    /// Row 0 of the token type embeddings: a single sentence is all type 0.
    token_type: Vec<f32>,
    embeddings_norm: Norm,
    layers: Vec<Layer>,
}

struct Layer {
    /// Query, key and value stacked, so that one product computes all three.
    qkv: Linear,
    attention_out: Linear,
    attention_norm: Norm,
    up: Linear,
    down: Linear,
    output_norm: Norm,
}

/// `weight` is `inputs × outputs`, row-major: the transpose of PyTorch's
/// layout, so that the matrix product packs it from contiguous rows.
struct Linear {
    weight: Vec<f32>,
    bias: Vec<f32>,
    inputs: usize,
    outputs: usize,
}

struct Norm {
    weight: Vec<f32>,
    bias: Vec<f32>,
}

impl Bert {
    /// Errors name the offending tensor.
    pub(crate) fn load(config: &Config, safetensors: &[u8]) -> Result<Bert, String> {
        let tensors = SafeTensors::deserialize(safetensors).map_err(|err| err.to_string())?;
        let get = |name: &str, shape: &[usize]| tensor(&tensors, name, shape);
        let (h, i) = (config.hidden_size, config.intermediate_size);
        let linear = |name: &str, inputs: usize, outputs: usize| -> Result<Linear, String> {
            let weight = get(&format!("{name}.weight"), &[outputs, inputs])?;
            let bias = get(&format!("{name}.bias"), &[outputs])?;
            Ok(Linear::new(&weight, bias, inputs))
        };
        let norm = |name: &str| -> Result<Norm, String> {
            Ok(Norm {
                weight: get(&format!("{name}.weight"), &[h])?,
                bias: get(&format!("{name}.bias"), &[h])?,
            })
        };
        let mut layers = Vec::with_capacity(config.num_hidden_layers);
        for l in 0..config.num_hidden_layers {
            let p = format!("encoder.layer.{l}");
            let [q, k, v] = ["query", "key", "value"].map(|part| {
                let name = format!("{p}.attention.self.{part}");
                Ok::<_, String>((
                    get(&format!("{name}.weight"), &[h, h])?,
                    get(&format!("{name}.bias"), &[h])?,
                ))
            });
            let (q, k, v) = (q?, k?, v?);
            layers.push(Layer {
                qkv: Linear::new(&[q.0, k.0, v.0].concat(), [q.1, k.1, v.1].concat(), h),
                attention_out: linear(&format!("{p}.attention.output.dense"), h, h)?,
                attention_norm: norm(&format!("{p}.attention.output.LayerNorm"))?,
                up: linear(&format!("{p}.intermediate.dense"), h, i)?,
                down: linear(&format!("{p}.output.dense"), i, h)?,
                output_norm: norm(&format!("{p}.output.LayerNorm"))?,
            });
        }
        let mut token_type = get("embeddings.token_type_embeddings.weight", &[0, h])?;
        if token_type.len() < h {
            return Err("tensor embeddings.token_type_embeddings.weight has no rows".into());
        }
        token_type.truncate(h);
        Ok(Bert {
            hidden: h,
            heads: config.num_attention_heads,
            eps: config.layer_norm_eps,
            word_embeddings: get("embeddings.word_embeddings.weight", &[config.vocab_size, h])?,
            position_embeddings: get(
                "embeddings.position_embeddings.weight",
                &[config.max_position_embeddings, h],
            )?,
            token_type,
            embeddings_norm: norm("embeddings.LayerNorm")?,
            layers,
        })
    }

    pub(crate) fn hidden(&self) -> usize {
        self.hidden
    }

    /// Mean-pooled, unit-length embeddings of `sequences`, written row by row
    /// into `out` (`sequences.len() × hidden`). Token ids must be below the
    /// vocabulary size and sequences no longer than the position table; the
    /// caller's tokenizer guarantees both.
    ///
    /// With `tokens`, the encoder's last hidden state (one row per token of
    /// every sequence, in order) is appended there too: the contextual
    /// token vectors that soft word alignment compares.
    pub(crate) fn embed(
        &self,
        sequences: &[Vec<u32>],
        scratch: &mut Scratch,
        out: &mut [f32],
        tokens: Option<&mut Vec<f32>>,
    ) {
        let h = self.hidden;
        let rows: usize = sequences.iter().map(Vec::len).sum();
        let longest = sequences.iter().map(Vec::len).max().unwrap_or(0);
        let inter = self.layers.first().map_or(0, |l| l.up.outputs);
        let mut x = sized(&mut scratch.x, rows * h);
        let qkv = sized(&mut scratch.qkv, rows * 3 * h);
        let context = sized(&mut scratch.context, rows * h);
        let mut sum = sized(&mut scratch.sum, rows * h);
        let intermediate = sized(&mut scratch.intermediate, rows * inter);
        let scores = sized(&mut scratch.scores, longest * longest);

        let token_rows = sequences
            .iter()
            .flat_map(|ids| ids.iter().enumerate())
            .zip(x.chunks_exact_mut(h));
        for ((position, &id), row) in token_rows {
            let word = &self.word_embeddings[id as usize * h..][..h];
            let pos = &self.position_embeddings[position * h..][..h];
            for (((r, w), p), t) in row.iter_mut().zip(word).zip(pos).zip(&self.token_type) {
                *r = w + p + t;
            }
        }
        self.embeddings_norm.apply(x, h, self.eps);

        for layer in &self.layers {
            layer.qkv.apply(x, qkv);
            self.attention(sequences, qkv, scores, context);
            layer.attention_out.apply(context, sum);
            add(sum, x);
            layer.attention_norm.apply(sum, h, self.eps);
            std::mem::swap(&mut x, &mut sum);

            layer.up.apply(x, intermediate);
            intermediate.iter_mut().for_each(|v| *v = gelu(*v));
            layer.down.apply(intermediate, sum);
            add(sum, x);
            layer.output_norm.apply(sum, h, self.eps);
            std::mem::swap(&mut x, &mut sum);
        }

        if let Some(tokens) = tokens {
            tokens.extend_from_slice(x);
        }
        let mut start = 0;
        for (ids, pooled) in sequences.iter().zip(out.chunks_exact_mut(h)) {
            pooled.fill(0.0);
            for row in x[start * h..(start + ids.len()) * h].chunks_exact(h) {
                add(pooled, row);
            }
            start += ids.len();
            // Mean then normalize, as sentence-transformers does; the mean's
            // division cancels out except in the last bits.
            let len = ids.len().max(1) as f32;
            pooled.iter_mut().for_each(|v| *v /= len);
            let norm = pooled.iter().map(|v| v * v).sum::<f32>().sqrt().max(1e-12);
            pooled.iter_mut().for_each(|v| *v /= norm);
        }
    }

    /// Scaled dot-product attention of every head of every sequence, reading
    /// the heads in place from the packed `qkv` rows.
    fn attention(&self, sequences: &[Vec<u32>], qkv: &[f32], scores: &mut [f32], out: &mut [f32]) {
        let h = self.hidden;
        let d = h / self.heads;
        let scale = 1.0 / (d as f32).sqrt();
        let mut start = 0;
        for len in sequences.iter().map(Vec::len) {
            let block = &qkv[start * 3 * h..(start + len) * 3 * h];
            let scores = &mut scores[..len * len];
            for head in 0..self.heads {
                let (q, k, v) = (head * d, h + head * d, 2 * h + head * d);
                // scores = Q Kᵀ: K read with its strides swapped.
                gemm(
                    (len, d, len),
                    scale,
                    View::new(&block[q..], 3 * h, 1),
                    View::new(&block[k..], 1, 3 * h),
                    scores,
                    len,
                );
                for row in scores.chunks_exact_mut(len) {
                    softmax(row);
                }
                gemm(
                    (len, len, d),
                    1.0,
                    View::new(scores, len, 1),
                    View::new(&block[v..], 3 * h, 1),
                    &mut out[start * h + head * d..],
                    h,
                );
            }
            start += len;
        }
    }
}

/// Activation buffers, kept across the batches a thread runs: allocating
/// megabytes per batch costs page faults and zeroing in the kernel.
#[derive(Default)]
pub(crate) struct Scratch {
    x: Vec<f32>,
    qkv: Vec<f32>,
    context: Vec<f32>,
    sum: Vec<f32>,
    intermediate: Vec<f32>,
    scores: Vec<f32>,
}

/// The first `len` elements of `buffer`, grown if needed. Stale contents are
/// fine: every user overwrites its whole slice.
fn sized(buffer: &mut Vec<f32>, len: usize) -> &mut [f32] {
    if buffer.len() < len {
        buffer.resize(len, 0.0);
    }
    &mut buffer[..len]
}

impl Linear {
    /// From PyTorch's `outputs × inputs` weight.
    fn new(weight: &[f32], bias: Vec<f32>, inputs: usize) -> Linear {
        let outputs = bias.len();
        let mut transposed = vec![0.0; weight.len()];
        for (o, row) in weight.chunks_exact(inputs).enumerate() {
            for (i, &w) in row.iter().enumerate() {
                transposed[i * outputs + o] = w;
            }
        }
        Linear {
            weight: transposed,
            bias,
            inputs,
            outputs,
        }
    }

    /// `output = input · weightᵀ + bias`, one row per token.
    fn apply(&self, input: &[f32], output: &mut [f32]) {
        let rows = input.len() / self.inputs;
        let output = &mut output[..rows * self.outputs];
        for row in output.chunks_exact_mut(self.outputs) {
            row.copy_from_slice(&self.bias);
        }
        gemm_accumulate(
            (rows, self.inputs, self.outputs),
            View::new(input, self.inputs, 1),
            View::new(&self.weight, self.outputs, 1),
            output,
            self.outputs,
        );
    }
}

impl Norm {
    fn apply(&self, x: &mut [f32], width: usize, eps: f32) {
        for row in x.chunks_exact_mut(width) {
            let mean = row.iter().sum::<f32>() / width as f32;
            let var = row.iter().map(|v| (v - mean) * (v - mean)).sum::<f32>() / width as f32;
            let inv = 1.0 / (var + eps).sqrt();
            for ((v, w), b) in row.iter_mut().zip(&self.weight).zip(&self.bias) {
                *v = (*v - mean) * inv * w + b;
            }
        }
    }
}

fn add(acc: &mut [f32], x: &[f32]) {
    acc.iter_mut().zip(x).for_each(|(a, b)| *a += b);
}

fn softmax(row: &mut [f32]) {
    let max = row.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    let mut total = 0.0;
    for v in row.iter_mut() {
        *v = (*v - max).exp();
        total += *v;
    }
    row.iter_mut().for_each(|v| *v /= total);
}

/// BERT's "gelu" is the exact, erf-based one; the tanh approximation would
/// move the embeddings by about 1e-3.
fn gelu(x: f32) -> f32 {
    0.5 * x * (1.0 + erf(x * std::f32::consts::FRAC_1_SQRT_2))
}

/// A rational approximation on [-4, 4] (beyond which erf is ±1 in f32),
/// accurate to 5e-7. std has no erf, and this form has no branch and no
/// `exp`, so the GELU loop compiles to SIMD code.
fn erf(x: f32) -> f32 {
    const NUMERATOR: [f32; 7] = [
        -2.726_142_3e-10,
        2.770_681_4e-8,
        -2.101_024e-6,
        -5.692_506_4e-5,
        -7.349_906e-4,
        -2.954_6e-3,
        -1.609_603_3e-2,
    ];
    const DENOMINATOR: [f32; 5] = [
        -1.456_607_2e-5,
        -2.133_740_5e-4,
        -1.682_827e-3,
        -7.373_329e-3,
        -1.426_474e-2,
    ];
    let x = x.clamp(-4.0, 4.0);
    let x2 = x * x;
    let p = NUMERATOR.iter().fold(0.0, |acc, &c| acc * x2 + c);
    let q = DENOMINATOR.iter().fold(0.0, |acc, &c| acc * x2 + c);
    x * p / q
}

/// A read-only strided matrix; [`gemm`] checks it against its slice.
struct View<'a> {
    data: &'a [f32],
    row_stride: usize,
    col_stride: usize,
}

impl<'a> View<'a> {
    fn new(data: &'a [f32], row_stride: usize, col_stride: usize) -> View<'a> {
        View {
            data,
            row_stride,
            col_stride,
        }
    }

    /// Panics unless a `rows × cols` matrix fits in the slice, which is what
    /// makes the raw-pointer call below sound.
    fn ptr(&self, rows: usize, cols: usize) -> *const f32 {
        if rows > 0 && cols > 0 {
            let last = (rows - 1) * self.row_stride + (cols - 1) * self.col_stride;
            assert!(last < self.data.len(), "matrix view out of bounds");
        }
        self.data.as_ptr()
    }
}

/// `c = alpha · a · b`, with `c` row-major with row stride `c_stride`.
fn gemm(
    (m, k, n): (usize, usize, usize),
    alpha: f32,
    a: View,
    b: View,
    c: &mut [f32],
    c_stride: usize,
) {
    multiply((m, k, n), alpha, a, b, 0.0, c, c_stride);
}

/// `c += a · b`.
fn gemm_accumulate(dims: (usize, usize, usize), a: View, b: View, c: &mut [f32], c_stride: usize) {
    multiply(dims, 1.0, a, b, 1.0, c, c_stride);
}

fn multiply(
    (m, k, n): (usize, usize, usize),
    alpha: f32,
    a: View,
    b: View,
    beta: f32,
    c: &mut [f32],
    c_stride: usize,
) {
    if m == 0 || n == 0 {
        return;
    }
    assert!(
        n <= c_stride && (m - 1) * c_stride + n <= c.len(),
        "output matrix out of bounds"
    );
    let (a_ptr, b_ptr) = (a.ptr(m, k), b.ptr(k, n));
    let stride = |s: usize| s as isize;
    // SAFETY: `View::ptr` and the assertion above check that every element
    // the product reads or writes lies inside its slice, and `c` is borrowed
    // mutably so it cannot alias `a` or `b`.
    unsafe {
        matrixmultiply::sgemm(
            m,
            k,
            n,
            alpha,
            a_ptr,
            stride(a.row_stride),
            stride(a.col_stride),
            b_ptr,
            stride(b.row_stride),
            stride(b.col_stride),
            beta,
            c.as_mut_ptr(),
            stride(c_stride),
            1,
        );
    }
}

/// An f32 tensor of the expected shape, copied out of the file's bytes
/// (which carry no alignment guarantee). A 0 in `shape` accepts any size.
fn tensor(tensors: &SafeTensors, name: &str, shape: &[usize]) -> Result<Vec<f32>, String> {
    let view = tensors
        .tensor(name)
        .map_err(|_| format!("tensor {name} is missing"))?;
    if view.dtype() != Dtype::F32 {
        return Err(format!("tensor {name} is {:?}, not F32", view.dtype()));
    }
    let fits = view.shape().len() == shape.len()
        && view
            .shape()
            .iter()
            .zip(shape)
            .all(|(&got, &want)| want == 0 || got == want);
    if !fits {
        return Err(format!(
            "tensor {name} has shape {:?}, expected {shape:?}",
            view.shape()
        ));
    }
    Ok(view
        .data()
        .chunks_exact(4)
        .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn erf_matches_known_values() {
        for (x, want) in [
            (0.0, 0.0),
            (0.5, 0.520_499_9),
            (1.0, 0.842_700_8),
            (-1.0, -0.842_700_8),
            (2.0, 0.995_322_3),
            (10.0, 1.0),
        ] {
            assert!((erf(x) - want).abs() < 5e-7, "erf({x}) = {}", erf(x));
        }
    }

    #[test]
    fn softmax_is_stable_for_large_scores() {
        let mut row = [1000.0, 1000.0, f32::NEG_INFINITY];
        softmax(&mut row);
        assert_eq!(row, [0.5, 0.5, 0.0]);
    }

    /// `a · aᵀ` for a 2×2 row-major `a`, read through strided views.
    fn times_own_transpose(a: &[f32]) -> [f32; 4] {
        let mut c = [0.0; 4];
        gemm(
            (2, 2, 2),
            1.0,
            View::new(a, 2, 1),
            View::new(a, 1, 2),
            &mut c,
            2,
        );
        c
    }

    #[test]
    fn strided_views_read_transposes_in_place() {
        // a = [[1, 2], [3, 4]]; the second view reads it as its transpose.
        assert_eq!(
            times_own_transpose(&[1.0, 2.0, 3.0, 4.0]),
            [5.0, 11.0, 11.0, 25.0]
        );
    }

    #[test]
    #[should_panic(expected = "out of bounds")]
    fn views_that_overrun_their_slice_are_refused() {
        times_own_transpose(&[1.0; 3]);
    }
}
