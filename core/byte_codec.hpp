// Big-endian binary writing and strict, bounded reading: the envelope
// header, the ratchet state and the session records are all made of these.
// Every read checks the bytes left first, since the input may be hostile.
#pragma once

#include <cstdint>
#include <string>

#include "protocol.hpp"

namespace chatter {

class byte_writer {
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
  void raw(const uint8_t* p, size_t n) {
    out_.insert(out_.end(), p, p + n);
  }
  void raw(const bytes& b) {
    raw(b.data(), b.size());
  }
  // A u32 length, then the bytes.
  void blob(const uint8_t* p, size_t n) {
    u32(static_cast<uint32_t>(n));
    raw(p, n);
  }
  void blob(const bytes& b) {
    blob(b.data(), b.size());
  }
  void str(const std::string& s) {
    blob(reinterpret_cast<const uint8_t*>(s.data()), s.size());
  }
  bytes take() {
    return std::move(out_);
  }

private:
  bytes out_;
};

class byte_reader {
public:
  explicit byte_reader(const bytes& in) : in_(in) {}
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
  bool raw(bytes& b, size_t n) {
    if (n > in_.size() - pos_)
      return false;
    b.assign(in_.begin() + static_cast<std::ptrdiff_t>(pos_),
             in_.begin() + static_cast<std::ptrdiff_t>(pos_ + n));
    pos_ += n;
    return true;
  }
  bool blob(bytes& b, size_t max) {
    uint32_t n;
    return u32(n) && n <= max && raw(b, n);
  }
  bool str(std::string& s, size_t max) {
    uint32_t n;
    if (!u32(n) || n > max || n > in_.size() - pos_)
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

}  // namespace chatter
