#include "chat/envelope.hpp"

namespace chatter {

namespace {

class writer {
public:
  void reserve(size_t n) {
    out_.reserve(n);
  }
  void u8(uint8_t v) {
    out_.push_back(v);
  }
  void u32(uint32_t v) {
    for (int i = 3; i >= 0; --i)
      out_.push_back(static_cast<uint8_t>(v >> (8 * i)));
  }
  void i64(int64_t v) {
    auto u = static_cast<uint64_t>(v);
    for (int i = 7; i >= 0; --i)
      out_.push_back(static_cast<uint8_t>(u >> (8 * i)));
  }
  void blob(const uint8_t* p, size_t n) {
    u32(static_cast<uint32_t>(n));
    out_.insert(out_.end(), p, p + n);
  }
  void str(const std::string& s) {
    blob(reinterpret_cast<const uint8_t*>(s.data()), s.size());
  }
  void blob(const bytes& b) {
    blob(b.data(), b.size());
  }
  bytes take() {
    return std::move(out_);
  }

private:
  bytes out_;
};

class reader {
public:
  explicit reader(const bytes& in) : in_(in) {
  }
  bool u8(uint8_t& v) {
    if (pos_ + 1 > in_.size())
      return false;
    v = in_[pos_++];
    return true;
  }
  bool u32(uint32_t& v) {
    if (pos_ + 4 > in_.size())
      return false;
    v = 0;
    for (int i = 0; i < 4; ++i)
      v = (v << 8) | in_[pos_++];
    return true;
  }
  bool i64(int64_t& v) {
    if (pos_ + 8 > in_.size())
      return false;
    uint64_t u = 0;
    for (int i = 0; i < 8; ++i)
      u = (u << 8) | in_[pos_++];
    v = static_cast<int64_t>(u);
    return true;
  }
  bool blob(bytes& b, size_t max) {
    uint32_t n;
    if (!u32(n) || n > max || pos_ + n > in_.size())
      return false;
    b.assign(in_.begin() + static_cast<std::ptrdiff_t>(pos_),
             in_.begin() + static_cast<std::ptrdiff_t>(pos_ + n));
    pos_ += n;
    return true;
  }
  bool str(std::string& s, size_t max) {
    uint32_t n;
    if (!u32(n) || n > max || pos_ + n > in_.size())
      return false;
    s.assign(reinterpret_cast<const char*>(in_.data() + pos_), n);
    pos_ += n;
    return true;
  }
  bool done() const {
    return pos_ == in_.size();
  }

private:
  const bytes& in_;
  size_t pos_ = 0;
};

} // namespace

bytes encode_header(const envelope_header& h) {
  writer w;
  w.reserve(64 + h.suite.size() + h.signer_suite.size() + h.id.size() + h.from.size()
            + h.to.size() + h.room.size() + h.kem.size() + h.nonce.size());
  w.u8(h.version);
  w.str(h.suite);
  w.str(h.signer_suite);
  w.str(h.id);
  w.str(h.from);
  w.str(h.to);
  w.str(h.room);
  w.i64(h.timestamp_ms);
  w.blob(h.kem);
  w.blob(h.nonce);
  return w.take();
}

std::optional<envelope_header> decode_header(const bytes& data) {
  if (data.size() > max_header_bytes)
    return std::nullopt;
  reader r(data);
  envelope_header h;
  bool ok = r.u8(h.version) && h.version == 1 && r.str(h.suite, 64)
            && r.str(h.signer_suite, 64) && r.str(h.id, 64) && r.str(h.from, 32)
            && r.str(h.to, 32) && r.str(h.room, 64) && r.i64(h.timestamp_ms)
            && r.blob(h.kem, 1024) && r.blob(h.nonce, 32) && r.done();
  if (!ok)
    return std::nullopt;
  return h;
}

bytes signed_bytes(const envelope& env) {
  writer w;
  w.str("chatter-envelope-v1");
  w.blob(env.header);
  w.blob(env.ciphertext);
  return w.take();
}

} // namespace chatter
