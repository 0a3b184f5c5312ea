// The base of the tests that drive the hub in-process with CAF messages: an
// actor system with Chatter's types, the hub over a temporary SQLite file (a
// cheap KDF cost) behind a gateway, as the daemon's own accounts reach it, a
// scoped actor to ask from, torn down in order.
#pragma once

#include <chrono>
#include <memory>

#include <gtest/gtest.h>

#include "hub/hub.hpp"
#include "temp_dir.hpp"

namespace chatter::test {

class hub_test : public testing::Test {
protected:
  // A cheap KDF by default; tests with a member (whose floor is 19 MiB,
  // t=2) pass scram::member_kdf_floor.
  void start_hub(std::chrono::milliseconds rechallenge_interval, kdf_params kdf = {8192, 1, 1}) {
    register_chatter_types(cfg_);
    sys_ = std::make_unique<caf::actor_system>(cfg_);
    hub_config hc;
    hc.database_path = (dir_.path() / "hub.db").string();
    hc.rechallenge_interval = rechallenge_interval;
    hc.kdf = kdf;
    hub_ = spawn_hub(*sys_, hc);
    gw_ = local_gateway(*sys_, hub_).gateway;
    self_ = std::make_unique<caf::scoped_actor>(*sys_);
  }

  void TearDown() override {
    stop_hub(hub_);
    self_.reset();
  }

  caf::scoped_actor& self() {
    return *self_;
  }

  // Any request, answered as (value or error).
  template <class T, class Handle, class... Ts>
  std::pair<T, caf::error> ask(const Handle& h, Ts... xs) {
    std::pair<T, caf::error> out;
    self()
      ->request(h, std::chrono::seconds(10), xs...)
      .receive([&](T& value) { out.first = std::move(value); },
               [&](caf::error& err) { out.second = std::move(err); });
    return out;
  }

  caf::actor_system_config cfg_;
  std::unique_ptr<caf::actor_system> sys_;
  temp_dir dir_;
  running_hub hub_;
  member_gateway_actor gw_;  // what the tests speak to, as a member would
  std::unique_ptr<caf::scoped_actor> self_;
};

}  // namespace chatter::test
