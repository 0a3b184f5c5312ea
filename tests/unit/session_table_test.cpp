// The hub actors' view of who is logged in (common/session_table.hpp): a
// session names its user only to callers on the hub's own node, and a
// user's peers are exactly the sessions still open. Real CAF actors stand
// in for the peers and callers, since the table keys on their nodes.
#include <gtest/gtest.h>

#include <algorithm>
#include <memory>

#include <caf/all.hpp>

#include "hub/hub.hpp"
#include "hub/login_session_table.hpp"

using namespace chatter;

namespace {

constexpr auto patience = std::chrono::seconds(10);

class session_table_test : public testing::Test {
protected:
  void SetUp() override {
    register_chatter_types(cfg_);
    sys_ = std::make_unique<caf::actor_system>(cfg_);
    for (auto& a : actors_)
      a = std::make_unique<caf::scoped_actor>(*sys_);
  }

  // A peer handle, and the same actor as a caller.
  session_peer_actor peer(size_t i) {
    return caf::actor_cast<session_peer_actor>((*actors_[i])->address());
  }
  caf::strong_actor_ptr caller(size_t i) {
    return caf::actor_cast<caf::strong_actor_ptr>((*actors_[i])->address());
  }
  const caf::node_id& own() const {
    return sys_->node();
  }

  // Compared by address: the handles carry no other identity.
  static std::vector<caf::actor_addr> addresses(const std::vector<session_peer_actor>& peers) {
    std::vector<caf::actor_addr> out;
    for (auto& p : peers)
      out.push_back(p.address());
    std::sort(out.begin(), out.end());
    return out;
  }
  std::vector<caf::actor_addr> addresses_of(std::initializer_list<size_t> which) {
    std::vector<session_peer_actor> peers;
    for (auto i : which)
      peers.push_back(peer(i));
    return addresses(peers);
  }

  caf::actor_system_config cfg_;
  std::unique_ptr<caf::actor_system> sys_;
  std::unique_ptr<caf::scoped_actor> actors_[3];
  session_table table;
};

}  // namespace

TEST_F(session_table_test, an_unknown_session_names_nobody) {
  EXPECT_FALSE(table.user_of("s1", caller(0), own()));
  EXPECT_FALSE(table.peer_of("s1"));
  EXPECT_TRUE(table.peers_of("alice").empty());
}

TEST_F(session_table_test, a_session_names_its_user_to_a_caller_on_the_own_node) {
  table.add("s1", "alice", peer(0));
  EXPECT_EQ(table.user_of("s1", caller(1), own()), std::optional<std::string>("alice"));
  ASSERT_TRUE(table.peer_of("s1"));
  EXPECT_EQ(table.peer_of("s1")->address(), peer(0).address());
  EXPECT_FALSE(table.user_of("s2", caller(1), own()));
}

TEST_F(session_table_test, no_caller_or_a_caller_on_another_node_is_refused) {
  table.add("s1", "alice", peer(0));
  EXPECT_FALSE(table.user_of("s1", nullptr, own()));
  caf::node_id::default_data::host_id_type host;
  host.fill(0xab);
  auto elsewhere = caf::make_node_id(4242, host);
  ASSERT_NE(elsewhere, own());
  // The caller is on our node, but the table is asked for another one's.
  EXPECT_FALSE(table.user_of("s1", caller(1), elsewhere));
}

TEST_F(session_table_test, a_user_has_the_peers_of_its_open_sessions_only) {
  table.add("s1", "alice", peer(0));
  table.add("s2", "alice", peer(1));
  table.add("s3", "bob", peer(2));
  EXPECT_EQ(addresses(table.peers_of("alice")), addresses_of({0, 1}));
  EXPECT_EQ(addresses(table.peers_of("bob")), addresses_of({2}));
  table.remove("s1");
  EXPECT_EQ(addresses(table.peers_of("alice")), addresses_of({1}));
  EXPECT_FALSE(table.user_of("s1", caller(0), own()));
  EXPECT_FALSE(table.peer_of("s1"));
  table.remove("s2");
  EXPECT_TRUE(table.peers_of("alice").empty());
  EXPECT_EQ(addresses(table.peers_of("bob")), addresses_of({2}));
}

TEST_F(session_table_test, removing_an_unknown_or_removed_session_changes_nothing) {
  table.add("s1", "alice", peer(0));
  table.remove("nope");
  table.remove("s1");
  table.remove("s1");
  EXPECT_TRUE(table.peers_of("alice").empty());
  table.add("s1", "alice", peer(1));
  EXPECT_EQ(addresses(table.peers_of("alice")), addresses_of({1}));
}

TEST_F(session_table_test, a_session_announced_again_keeps_one_entry_with_the_new_peer) {
  table.add("s1", "alice", peer(0));
  table.add("s1", "alice", peer(1));
  EXPECT_EQ(addresses(table.peers_of("alice")), addresses_of({1}));
  EXPECT_EQ(table.peer_of("s1").value().address(), peer(1).address());
}

TEST_F(session_table_test, a_session_announced_again_for_another_user_leaves_the_first) {
  table.add("s1", "alice", peer(0));
  table.add("s1", "bob", peer(1));
  EXPECT_EQ(table.user_of("s1", caller(2), own()), std::optional<std::string>("bob"));
  // What is for alice must not reach bob's peer.
  EXPECT_TRUE(table.peers_of("alice").empty());
  EXPECT_EQ(addresses(table.peers_of("bob")), addresses_of({1}));
  table.remove("s1");
  EXPECT_TRUE(table.peers_of("alice").empty());
  EXPECT_TRUE(table.peers_of("bob").empty());
}

TEST_F(session_table_test, from_own_node_hears_a_local_sender_and_not_an_anonymous_one) {
  // The int is there because CAF 0.17 dereferences a null argument tuple for a
  // function actor spawned with no arguments (UBSan flags it).
  auto probe = sys_->spawn(
    [](caf::event_based_actor* self, int) -> caf::behavior {
      return {[=](int, const caf::actor& tell) { self->send(tell, from_own_node(self)); }};
    },
    0);
  auto& me = *actors_[0];
  auto me_handle = caf::actor_cast<caf::actor>(me->address());
  auto answer = [&] {
    bool heard = false, got = false;
    me->receive(
      [&](bool b) {
        heard = b;
        got = true;
      },
      caf::after(patience) >> [&] { ADD_FAILURE() << "the probe did not answer"; });
    EXPECT_TRUE(got);
    return heard;
  };
  me->send(probe, 1, me_handle);
  EXPECT_TRUE(answer());
  caf::anon_send(probe, 1, me_handle);
  EXPECT_FALSE(answer());
  caf::anon_send_exit(probe, caf::exit_reason::user_shutdown);
}
