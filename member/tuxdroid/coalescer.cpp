#include "coalescer.hpp"

#include "actions.hpp"

namespace chatter::tux {

coalescer::coalescer(phrasebook book) : book_(std::move(book)) {}

void coalescer::arrival(const std::string& name) {
  if (arrivals_.size() >= max_pending || !arrival_set_.insert(name).second)
    return;
  arrivals_.push_back(name);
}

void coalescer::message(const std::string& from, const std::string& text) {
  if (messages_.size() < max_pending)
    messages_.push_back({from, text});
}

bool coalescer::request(job j) {
  if (requests_.size() >= max_requests)
    return false;
  requests_.push_back(std::move(j));
  return true;
}

std::optional<job> coalescer::next() {
  if (!requests_.empty()) {
    auto j = std::move(requests_.front());
    requests_.pop_front();
    return j;
  }
  if (!arrivals_.empty()) {
    job j{"arrival", arrival_sentence(book_, arrivals_), {greeting_action}};
    arrivals_.clear();
    arrival_set_.clear();
    return j;
  }
  if (!messages_.empty()) {
    job j{"message", message_sentence(book_, messages_), {}};
    messages_.clear();
    return j;
  }
  return std::nullopt;
}

bool coalescer::empty() const {
  return requests_.empty() && arrivals_.empty() && messages_.empty();
}

}  // namespace chatter::tux
