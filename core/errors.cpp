#include "errors.hpp"

#include <caf/sec.hpp>

namespace chatter {

const char* error_name(errc code) {
  switch (code) {
  case errc::invalid_argument: return "InvalidArgument";
  case errc::not_found: return "NotFound";
  case errc::already_exists: return "AlreadyExists";
  case errc::authentication_failed: return "AuthenticationFailed";
  case errc::rate_limited: return "RateLimited";
  case errc::not_logged_in: return "NotLoggedIn";
  case errc::untrusted_key: return "UntrustedKey";
  case errc::hub_unreachable: return "HubUnreachable";
  case errc::internal: return "Internal";
  case errc::timeout: return "Timeout";
  case errc::quota_exceeded: return "QuotaExceeded";
  case errc::storage_failed: return "StorageFailed";
  case errc::weak_kdf: return "WeakKeyDerivation";
  }
  return "Internal";
}

caf::error not_logged_in(const std::string& user) {
  return make_error(errc::not_logged_in, "'" + user + "' is not logged in");
}

caf::error make_error(errc code, std::string sentence) {
  return caf::error{static_cast<uint8_t>(code), error_category,
                    caf::make_message(std::move(sentence))};
}

namespace {

std::string sentence_of(const caf::error& err) {
  const auto& ctx = err.context();
  if (ctx.match_elements<std::string>())
    return ctx.get_as<std::string>(0);
  return {};
}

}  // namespace

error_description describe(const caf::error& err) {
  if (!err)
    return {"Internal", "an empty error was reported"};
  if (err.category() == error_category) {
    auto code = static_cast<errc>(err.code());
    auto sentence = sentence_of(err);
    if (sentence.empty())
      sentence = error_name(code);
    return {error_name(code), std::move(sentence)};
  }
  if (err.category() == caf::atom("system")) {
    auto code = static_cast<caf::sec>(err.code());
    if (code == caf::sec::request_timeout)
      return {"Timeout", "the request was not answered in time"};
    if (code == caf::sec::request_receiver_down)
      return {"HubUnreachable", "the actor that should answer is gone"};
  }
  return {"Internal", "internal error: " + caf::to_string(err)};
}

std::string render_error(uint8_t code, caf::atom_value, const caf::message& ctx) {
  std::string out = "chatter:";
  out += error_name(static_cast<errc>(code));
  if (ctx.match_elements<std::string>()) {
    out += ": ";
    out += ctx.get_as<std::string>(0);
  }
  return out;
}

envelope_outcome outcome_of(const caf::error& err) {
  if (!err)
    return {};
  auto code = err.category() == error_category ? err.code() : static_cast<uint8_t>(errc::internal);
  return {code, describe(err).sentence};
}

caf::error error_of(const envelope_outcome& outcome) {
  bool known = outcome.code >= static_cast<uint8_t>(errc::invalid_argument)
    && outcome.code <= static_cast<uint8_t>(errc::weak_kdf);
  return make_error(known ? static_cast<errc>(outcome.code) : errc::internal,
                    outcome.reason.substr(0, 300));
}

}  // namespace chatter
