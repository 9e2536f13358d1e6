// The time loops of the fused LSTM and GRU (rnncourse/nn/fused.py) in C++.
//
// Same algorithm, same equations and same buffers as the Python path in fused.py; what changes
// is that one time step no longer costs a dozen Python calls and a dozen passes over memory.
// Per step there is one GEMM and one pass over the (B, GH) block of gates that does all the
// element-wise work of the step, in registers, including the additions around the GEMM.
//
// The GEMM of a step multiplies by the same W_hh T times, with only B rows on the other side.
// In float32, when fused_gemm.py says so (the onednn argument), it runs as oneDNN's inner product
// (the kernels nn.LSTM's own CPU path uses) on a copy of the weight laid out once per call for
// those kernels; on one core of an AMD EPYC (Zen 4) that was faster than at::addmm (MKL) on
// these shapes. Otherwise (float64, no oneDNN, small products) at::mm runs; the results agree
// to rounding.
//
// LSTM forward, per step t (gates stacked i, f, g, o; A holds the input part x_t W_ih^T on entry,
// the bias b = b_ih + b_hh is added in the element-wise pass, which saves a pass over (T, B, 4H)):
//     A_t = x_t W_ih^T + h_{t-1} W_hh^T (+ b)                (one (B, H) x (H, 4H) GEMM)
//     i, f, o = sigma(A_i, A_f, A_o),  g = tanh(A_g)          (written over A_t: the backward needs them)
//     c_t = f c_{t-1} + i g,  h_t = o tanh(c_t)
// LSTM backward, per step (dh = total gradient reaching h_t, dc = from c_{t+1}):
//     dc_t = dc + dh o (1 - tanh^2 c_t)
//     dA_t = [dc_t g i(1-i), dc_t c_{t-1} f(1-f), dc_t i (1-g^2), dh tanh(c_t) o(1-o)]
//     dc  <- dc_t f,   dh_{t-1} = dHs_{t-1} + dA_t W_hh          (one (B, 4H) x (4H, H) GEMM)
// GRU (nn.GRU's form, gates r, z, n; hn_t = W_hn h_{t-1} + b_hn), forward:
//     r, z = sigma(A^x_{r,z} + A^h_{r,z}),  n = tanh(A^x_n + r hn),  h_t = (1-z) n + z h_{t-1}
// with A^x = x_t W_ih^T + b_ih (b_ih added in the element-wise pass) and A^h = h_{t-1} W_hh^T + b_hh.
// GRU backward:
//     da_n = dh (1-z)(1-n^2),  da_z = dh (h_{t-1} - n) z(1-z),  da_r = da_n hn r(1-r)
//     dh_{t-1} = dHs_{t-1} + dh z + [da_r, da_z, r da_n] W_hh
// The weight and input gradients are left to the caller: one GEMM each over all steps.
//
// exp is a polynomial written in plain arithmetic, so that the compiler vectorises the
// element-wise loops (a call to libm's exp would keep them scalar): x = n ln2 + r with
// |r| <= ln2/2, e^r by its Taylor series (to within rounding of float or double), and 2^n
// put straight into the exponent bits.

#include <ATen/core/Tensor.h>
#include <ATen/core/dispatch/Dispatcher.h>
#include <ATen/Dispatch.h>
#include <ATen/Parallel.h>
#include <ATen/ops/add.h>
#include <ATen/ops/addmm.h>
#include <ATen/ops/empty.h>
#include <ATen/ops/empty_like.h>
#include <ATen/ops/mm.h>
#include <ATen/ops/zeros.h>
#include <ATen/ops/zeros_like.h>
#include <torch/library.h>

#include <cstdint>
#include <cstring>
#include <optional>
#include <tuple>
#include <utility>

namespace {

template <typename T> struct ExpTraits;
template <> struct ExpTraits<float> {
  using bits_t = int32_t;
  static constexpr float lo = -87.0f, hi = 88.0f;       // 2^n stays a normal number
  static constexpr float shifter = 12582912.0f;          // 1.5 * 2^23: adding it rounds to an integer
  static constexpr float ln2_hi = 0.693359375f, ln2_lo = -2.12194440e-4f;  // ln 2 in two parts
  static constexpr int mantissa_bits = 23, exponent_bias = 127, degree = 7;
};
template <> struct ExpTraits<double> {
  using bits_t = int64_t;
  static constexpr double lo = -708.0, hi = 709.0;
  static constexpr double shifter = 6755399441055744.0;  // 1.5 * 2^52
  static constexpr double ln2_hi = 6.93147180369123816490e-01, ln2_lo = 1.90821492927058770002e-10;
  static constexpr int mantissa_bits = 52, exponent_bias = 1023, degree = 13;
};

template <typename T> inline typename ExpTraits<T>::bits_t bits_of(T x) {
  typename ExpTraits<T>::bits_t b;
  std::memcpy(&b, &x, sizeof b);
  return b;
}

template <typename T> inline T from_bits(typename ExpTraits<T>::bits_t b) {
  T x;
  std::memcpy(&x, &b, sizeof x);
  return x;
}

// e^x = 2^n e^r, n = round(x / ln 2), r = x - n ln 2.
template <typename T> inline T exp_poly(T x) {
  using E = ExpTraits<T>;
  x = x < E::lo ? E::lo : (x > E::hi ? E::hi : x);
  const T shifted = x * T(1.44269504088896340736) + E::shifter;  // shifter + n
  const T n = shifted - E::shifter;
  const T r = (x - n * E::ln2_hi) - n * E::ln2_lo;
  T p = T(1);  // 1 + r (1 + r/2 (1 + r/3 (...))): the Taylor series in Horner's form
  for (int k = E::degree; k >= 1; --k) p = T(1) + p * r * (T(1) / T(k));
  const auto exponent = bits_of(shifted) - bits_of(E::shifter);  // = n, as an integer
  return p * from_bits<T>((exponent + E::exponent_bias) << E::mantissa_bits);
}

template <typename T> inline T sigmoid(T x) { return T(1) / (T(1) + exp_poly(-x)); }

// tanh x = sign(x) (1 - e) / (1 + e) with e = exp(-2|x|) <= 1: no overflow for any x.
template <typename T> inline T tanh_poly(T x) {
  const T e = exp_poly(T(-2) * (x < T(0) ? -x : x));
  const T y = (T(1) - e) / (T(1) + e);
  return x < T(0) ? -y : y;
}

// x W^T + bias for one weight W (out, in) and many x (B, in): the GEMM of every time step.
// With onednn (float32 only; fused_gemm.py decides): the weight is reordered once into oneDNN's blocked layout for B rows
// (mkldnn::_reorder_linear_weight), and every product is mkldnn::_linear_pointwise on it.
// Otherwise at::addmm_out / at::mm_out into a workspace. Either way the result lives until the
// next call.
class StepProduct {
 public:
  StepProduct(const at::Tensor& W, std::optional<at::Tensor> bias, int64_t batch, bool onednn)
      : W_(W), bias_(std::move(bias)) {
    if (onednn && W.scalar_type() == at::kFloat) {
      static const auto reorder = c10::Dispatcher::singleton().findSchema({"mkldnn::_reorder_linear_weight", ""});
      static const auto linear = c10::Dispatcher::singleton().findSchema({"mkldnn::_linear_pointwise", ""});
      if (reorder && linear) {
        linear_ = &*linear;
        torch::jit::Stack stack{W.contiguous(), batch};
        reorder->callBoxed(&stack);
        packed_ = stack[0].toTensor();
      }
    }
    if (linear_ == nullptr) out_ = at::empty({batch, W.size(0)}, W.options());
  }

  // x (B, in) -> x W^T + bias (B, out), contiguous.
  const at::Tensor& operator()(const at::Tensor& x) {
    if (linear_ != nullptr) {
      torch::jit::Stack stack{x, packed_, bias_.has_value() ? c10::IValue(*bias_) : c10::IValue(), std::string("none"),
                              c10::List<std::optional<at::Scalar>>(), c10::IValue()};
      linear_->callBoxed(&stack);
      out_ = stack[0].toTensor();
    } else if (bias_.has_value()) {
      at::addmm_out(out_, *bias_, x, W_.t());
    } else {
      at::mm_out(out_, x, W_.t());
    }
    return out_;
  }

 private:
  at::Tensor W_;
  std::optional<at::Tensor> bias_;
  const c10::OperatorHandle* linear_ = nullptr;
  at::Tensor packed_, out_;
};

// Rows per task when several threads are allowed: enough elements to pay for a task.
int64_t grain_rows(int64_t width) { return std::max<int64_t>(1, 16384 / std::max<int64_t>(1, width)); }

// A: x_t W_ih^T on entry, the activated gates i, f, g, o on return; R = h_{t-1} W_hh^T; b = b_ih + b_hh.
template <typename T>
void lstm_step_forward(T* __restrict__ A, const T* __restrict__ R, const T* __restrict__ b,
                       const T* __restrict__ c_prev, T* __restrict__ c, T* __restrict__ tanh_c, T* __restrict__ h,
                       int64_t H) {
  for (int64_t j = 0; j < H; ++j) {
    const T i = sigmoid(A[j] + R[j] + b[j]), f = sigmoid(A[H + j] + R[H + j] + b[H + j]);
    const T g = tanh_poly(A[2 * H + j] + R[2 * H + j] + b[2 * H + j]);
    const T o = sigmoid(A[3 * H + j] + R[3 * H + j] + b[3 * H + j]);
    A[j] = i, A[H + j] = f, A[2 * H + j] = g, A[3 * H + j] = o;
    const T c_t = f * c_prev[j] + i * g;
    const T tc = tanh_poly(c_t);
    c[j] = c_t, tanh_c[j] = tc, h[j] = o * tc;
  }
}

// The gradient reaching h_t is dh_out (from the output) + dh_rec (dA_{t+1} W_hh, from step t+1).
template <typename T>
void lstm_step_backward(const T* __restrict__ A, const T* __restrict__ tanh_c, const T* __restrict__ c_prev,
                        const T* __restrict__ dh_out, const T* __restrict__ dh_rec, T* __restrict__ dc,
                        T* __restrict__ dA, int64_t H) {
  for (int64_t j = 0; j < H; ++j) {
    const T i = A[j], f = A[H + j], g = A[2 * H + j], o = A[3 * H + j], tc = tanh_c[j];
    const T dh = dh_out[j] + dh_rec[j];
    const T dc_t = dc[j] + dh * o * (T(1) - tc * tc);
    dA[j] = dc_t * g * i * (T(1) - i);
    dA[H + j] = dc_t * c_prev[j] * f * (T(1) - f);
    dA[2 * H + j] = dc_t * i * (T(1) - g * g);
    dA[3 * H + j] = dh * tc * o * (T(1) - o);
    dc[j] = dc_t * f;  // the cell's linear path to c_{t-1}
  }
}

// A: x_t W_ih^T on entry, r, z, n on return; Ah = h_{t-1} W_hh^T + b_hh; b = b_ih.
template <typename T>
void gru_step_forward(T* __restrict__ A, const T* __restrict__ b, const T* __restrict__ Ah,
                      const T* __restrict__ h_prev, T* __restrict__ hn_out, T* __restrict__ h, int64_t H) {
  for (int64_t j = 0; j < H; ++j) {
    const T r = sigmoid(A[j] + b[j] + Ah[j]), z = sigmoid(A[H + j] + b[H + j] + Ah[H + j]), hn = Ah[2 * H + j];
    const T n = tanh_poly(A[2 * H + j] + b[2 * H + j] + r * hn);  // the reset gate scales W_hn h_{t-1} + b_hn
    A[j] = r, A[H + j] = z, A[2 * H + j] = n, hn_out[j] = hn;
    h[j] = n + z * (h_prev[j] - n);  // (1 - z) n + z h_{t-1}
  }
}

// The gradient reaching h_t is dh_part (from the output and the direct path of step t+1) +
// dh_rec (dA^h_{t+1} W_hh); writes the first part of the gradient reaching h_{t-1} to dh_part_prev.
template <typename T>
void gru_step_backward(const T* __restrict__ A, const T* __restrict__ hn, const T* __restrict__ h_prev,
                       const T* __restrict__ dh_part, const T* __restrict__ dh_rec, const T* __restrict__ dh_out_prev,
                       T* __restrict__ dA_x, T* __restrict__ dA_h, T* __restrict__ dh_part_prev, int64_t H) {
  for (int64_t j = 0; j < H; ++j) {
    const T r = A[j], z = A[H + j], n = A[2 * H + j], d = dh_part[j] + dh_rec[j];
    const T da_n = d * (T(1) - z) * (T(1) - n * n);
    const T da_r = da_n * hn[j] * r * (T(1) - r);
    const T da_z = d * (h_prev[j] - n) * z * (T(1) - z);
    dA_x[j] = da_r, dA_x[H + j] = da_z, dA_x[2 * H + j] = da_n;
    dA_h[j] = da_r, dA_h[H + j] = da_z, dA_h[2 * H + j] = da_n * r;
    dh_part_prev[j] = dh_out_prev[j] + d * z;  // from the output, and the direct path z h_{t-1}
  }
}

// Runs step(b) for every row b of the batch, split over threads when there are several.
template <typename F> void for_rows(int64_t B, int64_t width, const F& step) {
  at::parallel_for(0, B, grain_rows(width), [&](int64_t begin, int64_t end) {
    for (int64_t b = begin; b < end; ++b) step(b);
  });
}

void check_inputs(const at::Tensor& gates, int64_t G, const at::Tensor& W_hh) {
  TORCH_CHECK(gates.dim() == 3 && gates.is_contiguous(), "gates must be a contiguous (T, B, GH) tensor");
  TORCH_CHECK(gates.size(2) == G * W_hh.size(1), "gates must have ", G, " x hidden_size columns");
}

void check_output(const at::Tensor& out, const at::Tensor& gates) {
  TORCH_CHECK(out.is_contiguous() && out.sizes() == gates.sizes() && out.scalar_type() == gates.scalar_type(),
              "the gate-gradient buffer must be a contiguous tensor shaped and typed like gates");
}

// The bias as a contiguous (GH,) vector, zeros where there is none (one loop serves both).
at::Tensor bias_or_zeros(const std::optional<at::Tensor>& b, const at::Tensor& gates) {
  if (b.has_value() && b->defined()) return b->contiguous();
  return at::zeros({gates.size(2)}, gates.options());
}

std::optional<at::Tensor> defined_or_none(const std::optional<at::Tensor>& b) {
  return b.has_value() && b->defined() ? b : std::nullopt;
}

// gates (T, B, 4H): X W_ih^T on entry, the activated gates on return; b (4H,) = b_ih + b_hh or None.
// Returns (Cs, tanh Cs), each (T, B, H), and the hidden states h_0 .. h_T, (T+1, B, H).
std::tuple<at::Tensor, at::Tensor, at::Tensor> lstm_forward(at::Tensor gates, const std::optional<at::Tensor>& b_,
                                                            const at::Tensor& h0, const at::Tensor& c0,
                                                            const at::Tensor& W_hh, bool onednn) {
  check_inputs(gates, 4, W_hh);
  const at::Tensor b = bias_or_zeros(b_, gates);
  const int64_t T = gates.size(0), B = gates.size(1), H = W_hh.size(1);
  at::Tensor Cs = at::empty({T, B, H}, gates.options()), tanh_Cs = at::empty_like(Cs);
  at::Tensor H_all = at::empty({T + 1, B, H}, gates.options());
  H_all.select(0, 0).copy_(h0);
  const at::Tensor c0_ = c0.contiguous();
  StepProduct recurrent(W_hh, std::nullopt, B, onednn);  // h_{t-1} W_hh^T: (B, H) x (H, 4H)
  AT_DISPATCH_FLOATING_TYPES(gates.scalar_type(), "lstm_forward", [&] {
    const scalar_t* bp = b.data_ptr<scalar_t>();
    for (int64_t t = 0; t < T; ++t) {
      const scalar_t* r = recurrent(H_all.select(0, t)).data_ptr<scalar_t>();
      scalar_t* a = gates.select(0, t).data_ptr<scalar_t>();
      const scalar_t* cp = t > 0 ? Cs.select(0, t - 1).data_ptr<scalar_t>() : c0_.data_ptr<scalar_t>();
      scalar_t *c = Cs.select(0, t).data_ptr<scalar_t>(), *tc = tanh_Cs.select(0, t).data_ptr<scalar_t>();
      scalar_t* hp = H_all.select(0, t + 1).data_ptr<scalar_t>();
      for_rows(B, 4 * H, [&](int64_t b) {
        lstm_step_forward(a + b * 4 * H, r + b * 4 * H, bp, cp + b * H, c + b * H, tc + b * H, hp + b * H, H);
      });
    }
  });
  return {Cs, tanh_Cs, H_all};
}

// Writes every step's gate gradient into dA (T, B, 4H), a contiguous buffer the caller owns (so
// that it can be memory oneDNN reads as it is); returns (dh0, dc0).
std::tuple<at::Tensor, at::Tensor> lstm_backward(const at::Tensor& gates, const at::Tensor& Cs, const at::Tensor& tanh_Cs,
                                                 const at::Tensor& c0, const at::Tensor& W_hh, const at::Tensor& dHs_,
                                                 const at::Tensor& dc_T, at::Tensor dA, bool onednn) {
  check_inputs(gates, 4, W_hh);
  check_output(dA, gates);
  const int64_t T = gates.size(0), B = gates.size(1), H = W_hh.size(1);
  const at::Tensor dHs = dHs_.contiguous(), c0_ = c0.contiguous();
  at::Tensor dc = dc_T.contiguous().clone();
  StepProduct recurrent(W_hh.t(), std::nullopt, B, onednn);  // dA_t W_hh: (B, 4H) x (4H, H)
  at::Tensor dh_rec = at::zeros({B, H}, gates.options());  // nothing reaches h_T from a step T+1
  AT_DISPATCH_FLOATING_TYPES(gates.scalar_type(), "lstm_backward", [&] {
    scalar_t* dcp = dc.data_ptr<scalar_t>();
    for (int64_t t = T - 1; t >= 0; --t) {
      const scalar_t* a = gates.select(0, t).data_ptr<scalar_t>();
      const scalar_t* tc = tanh_Cs.select(0, t).data_ptr<scalar_t>();
      const scalar_t* cp = t > 0 ? Cs.select(0, t - 1).data_ptr<scalar_t>() : c0_.data_ptr<scalar_t>();
      const scalar_t *d_out = dHs.select(0, t).data_ptr<scalar_t>(), *d_rec = dh_rec.data_ptr<scalar_t>();
      at::Tensor dA_t = dA.select(0, t);
      scalar_t* da = dA_t.data_ptr<scalar_t>();
      for_rows(B, 4 * H, [&](int64_t b) {
        lstm_step_backward(a + b * 4 * H, tc + b * H, cp + b * H, d_out + b * H, d_rec + b * H, dcp + b * H,
                           da + b * 4 * H, H);
      });
      dh_rec = recurrent(dA_t);  // reaches h_{t-1}; at t = 0 it is dh_0
    }
  });
  return {dh_rec, dc};
}

// gates (T, B, 3H): X W_ih^T on entry, (r, z, n) on return. Returns HN (T, B, H),
// HN_t = W_hn h_{t-1} + b_hn (the backward pass needs it), and the hidden states h_0 .. h_T, (T+1, B, H).
std::tuple<at::Tensor, at::Tensor> gru_forward(at::Tensor gates, const std::optional<at::Tensor>& b_ih_,
                                               const at::Tensor& h0, const at::Tensor& W_hh,
                                               const std::optional<at::Tensor>& b_hh, bool onednn) {
  check_inputs(gates, 3, W_hh);
  const at::Tensor b_ih = bias_or_zeros(b_ih_, gates);
  const int64_t T = gates.size(0), B = gates.size(1), H = W_hh.size(1);
  at::Tensor HN = at::empty({T, B, H}, gates.options()), H_all = at::empty({T + 1, B, H}, gates.options());
  H_all.select(0, 0).copy_(h0);
  StepProduct recurrent(W_hh, defined_or_none(b_hh), B, onednn);  // h_{t-1} W_hh^T + b_hh: (B, H) x (H, 3H)
  AT_DISPATCH_FLOATING_TYPES(gates.scalar_type(), "gru_forward", [&] {
    const scalar_t* bp = b_ih.data_ptr<scalar_t>();
    for (int64_t t = 0; t < T; ++t) {
      const at::Tensor h_prev = H_all.select(0, t);
      const scalar_t *ah = recurrent(h_prev).data_ptr<scalar_t>(), *hp = h_prev.data_ptr<scalar_t>();
      scalar_t* a = gates.select(0, t).data_ptr<scalar_t>();
      scalar_t *hn = HN.select(0, t).data_ptr<scalar_t>(), *h = H_all.select(0, t + 1).data_ptr<scalar_t>();
      for_rows(B, 3 * H, [&](int64_t b) {
        gru_step_forward(a + b * 3 * H, bp, ah + b * 3 * H, hp + b * H, hn + b * H, h + b * H, H);
      });
    }
  });
  return {HN, H_all};
}

// Writes the gradients of the input and the recurrent parts of the gates into dA_x and dA_h,
// contiguous (T, B, 3H) buffers the caller owns (they differ in the n block: the recurrent one is
// multiplied by r); returns dh0.
at::Tensor gru_backward(const at::Tensor& gates, const at::Tensor& HN, const at::Tensor& H_all, const at::Tensor& W_hh,
                        const at::Tensor& dHs_, at::Tensor dA_x, at::Tensor dA_h, bool onednn) {
  check_inputs(gates, 3, W_hh);
  check_output(dA_x, gates);
  check_output(dA_h, gates);
  const int64_t T = gates.size(0), B = gates.size(1), H = W_hh.size(1);
  const at::Tensor dHs = dHs_.contiguous();
  at::Tensor dh_part = dHs.select(0, T - 1).clone(), dh_part_prev = at::empty_like(dh_part);
  at::Tensor dh_rec = at::zeros_like(dh_part);                // nothing reaches h_T from a step T+1
  const at::Tensor no_output_gradient = at::zeros_like(dh_part);  // what reaches h_0 from the output
  StepProduct recurrent(W_hh.t(), std::nullopt, B, onednn);   // dA^h_t W_hh: (B, 3H) x (3H, H)
  AT_DISPATCH_FLOATING_TYPES(gates.scalar_type(), "gru_backward", [&] {
    for (int64_t t = T - 1; t >= 0; --t) {
      const scalar_t* a = gates.select(0, t).data_ptr<scalar_t>();
      const scalar_t* hn = HN.select(0, t).data_ptr<scalar_t>();
      const scalar_t* hp = H_all.select(0, t).data_ptr<scalar_t>();
      const scalar_t* d_out = (t > 0 ? dHs.select(0, t - 1) : no_output_gradient).data_ptr<scalar_t>();
      const scalar_t *d = dh_part.data_ptr<scalar_t>(), *d_rec = dh_rec.data_ptr<scalar_t>();
      at::Tensor dAh_t = dA_h.select(0, t);
      scalar_t *dax = dA_x.select(0, t).data_ptr<scalar_t>(), *dah = dAh_t.data_ptr<scalar_t>();
      scalar_t* dprev = dh_part_prev.data_ptr<scalar_t>();
      for_rows(B, 3 * H, [&](int64_t b) {
        gru_step_backward(a + b * 3 * H, hn + b * H, hp + b * H, d + b * H, d_rec + b * H, d_out + b * H,
                          dax + b * 3 * H, dah + b * 3 * H, dprev + b * H, H);
      });
      dh_rec = recurrent(dAh_t);  // [da_r, da_z, r da_n] W_hh, reaches h_{t-1}
      std::swap(dh_part, dh_part_prev);
    }
  });
  return at::add(dh_part, dh_rec);
}

}  // namespace

TORCH_LIBRARY(rnncourse_fused, m) {
  m.def("lstm_forward(Tensor(a!) gates, Tensor? b, Tensor h0, Tensor c0, Tensor W_hh, bool onednn)"
        " -> (Tensor, Tensor, Tensor)",
        &lstm_forward);
  m.def("lstm_backward(Tensor gates, Tensor Cs, Tensor tanh_Cs, Tensor c0, Tensor W_hh, Tensor dHs, Tensor dc_T,"
        " Tensor(b!) dA, bool onednn) -> (Tensor, Tensor)", &lstm_backward);
  m.def("gru_forward(Tensor(a!) gates, Tensor? b_ih, Tensor h0, Tensor W_hh, Tensor? b_hh,"
        " bool onednn) -> (Tensor, Tensor)",
        &gru_forward);
  m.def("gru_backward(Tensor gates, Tensor HN, Tensor H_all, Tensor W_hh, Tensor dHs, Tensor(b!) dA_x,"
        " Tensor(c!) dA_h, bool onednn) -> Tensor", &gru_backward);
}
