// core/consent: the states two users see, from their two rows, whatever
// order the two writes of an action land in.
#include <gtest/gtest.h>

#include <variant>

#include "core/consent.hpp"

using namespace chatter::consent;

namespace {

// Two users' rows about each other, as their two homes hold them.
struct pair_rows {
  row a, b;

  // `a` (or `b`) acts: the actor's own field, then (or first, `copy_first`)
  // the copy into the other's row. Returns the refusal, or "".
  std::string act(bool by_a, action what, bool copy_first = false) {
    auto& mine = by_a ? a : b;
    auto& theirs = by_a ? b : a;
    auto next = step(mine, what, by_a ? "b" : "a");
    if (auto* why = std::get_if<std::string>(&next))
      return *why;
    auto copy = copy_of(what);
    if (copy_first && copy)
      theirs.theirs = *copy;
    mine.mine = std::get<intent>(next);
    if (!copy_first && copy)
      theirs.theirs = *copy;
    return {};
  }
  std::pair<pair_state, pair_state> states() const {
    return {state_of(a), state_of(b)};
  }
};

}  // namespace

TEST(consent, a_request_then_an_accept_makes_contacts_who_share_presence) {
  pair_rows p;
  EXPECT_EQ(p.act(true, action::request), "");
  EXPECT_EQ(p.states(), std::make_pair(pair_state::pending_out, pair_state::pending_in));
  EXPECT_FALSE(shares_presence(p.a));
  EXPECT_FALSE(shares_presence(p.b));
  EXPECT_EQ(p.act(false, action::accept), "");
  EXPECT_EQ(p.states(), std::make_pair(pair_state::accepted, pair_state::accepted));
  EXPECT_TRUE(shares_presence(p.a));
  EXPECT_TRUE(shares_presence(p.b));
}

TEST(consent, accepting_or_declining_needs_a_request) {
  pair_rows p;
  EXPECT_NE(p.act(false, action::accept), "");
  EXPECT_NE(p.act(false, action::decline), "");
  EXPECT_NE(p.act(true, action::remove), "");
  EXPECT_NE(p.act(true, action::unblock), "");
  EXPECT_TRUE(p.a.empty());
  EXPECT_TRUE(p.b.empty());
}

TEST(consent, two_requests_at_once_end_accepted_in_either_order) {
  for (bool copy_first : {false, true}) {
    pair_rows p;
    EXPECT_EQ(p.act(true, action::request, copy_first), "");
    EXPECT_EQ(p.act(false, action::request, copy_first), "");
    EXPECT_EQ(p.states(), std::make_pair(pair_state::accepted, pair_state::accepted));
  }
}

TEST(consent, a_declined_requester_sees_declined_and_asking_again_changes_nothing_for_the_other) {
  pair_rows p;
  p.act(true, action::request);
  EXPECT_EQ(p.act(false, action::decline), "");
  EXPECT_EQ(p.states(), std::make_pair(pair_state::declined, pair_state::declined));
  auto before = p.b;
  EXPECT_EQ(p.act(true, action::request), "");
  EXPECT_EQ(p.b.theirs, before.theirs) << "the copy is unchanged, so nothing rings";
  EXPECT_EQ(state_of(p.b), pair_state::declined);
  // A change of heart: the one who declined accepts after all.
  EXPECT_EQ(p.act(false, action::accept), "");
  EXPECT_EQ(p.states(), std::make_pair(pair_state::accepted, pair_state::accepted));
}

TEST(consent, removing_ends_presence_both_ways_and_reads_as_declined) {
  pair_rows p;
  p.act(true, action::request);
  p.act(false, action::accept);
  EXPECT_EQ(p.act(true, action::remove), "");
  EXPECT_FALSE(shares_presence(p.a));
  EXPECT_FALSE(shares_presence(p.b));
  EXPECT_EQ(state_of(p.b), pair_state::declined);
  // Asking again is enough: the other never withdrew.
  EXPECT_EQ(p.act(true, action::request), "");
  EXPECT_EQ(p.states(), std::make_pair(pair_state::accepted, pair_state::accepted));
}

TEST(consent, a_withdrawn_request_leaves_the_other_nothing_to_answer) {
  pair_rows p;
  p.act(true, action::request);
  EXPECT_EQ(p.act(true, action::remove), "");
  EXPECT_EQ(state_of(p.b), pair_state::none);
  EXPECT_NE(p.act(false, action::accept), "");
}

TEST(consent, a_block_is_not_shown_to_the_blocked_and_stops_presence) {
  pair_rows p;
  p.act(true, action::request);
  p.act(false, action::accept);
  auto seen_by_b = p.b;
  EXPECT_EQ(p.act(true, action::block), "");
  EXPECT_EQ(state_of(p.a), pair_state::blocked);
  EXPECT_EQ(p.b.theirs, seen_by_b.theirs) << "b is not told";
  EXPECT_FALSE(shares_presence(p.a)) << "a's presence no longer goes to b";
  EXPECT_NE(p.act(true, action::request), "") << "unblock first";
  EXPECT_NE(p.act(true, action::accept), "");
  EXPECT_EQ(p.act(true, action::unblock), "");
  EXPECT_EQ(state_of(p.a), pair_state::pending_in) << "b still wants, a no longer";
  EXPECT_EQ(state_of(p.b), pair_state::pending_out);
}

TEST(consent, names_round_trip_and_unknown_ones_are_refused) {
  for (auto a : {action::request, action::accept, action::decline, action::remove, action::block,
                 action::unblock})
    EXPECT_EQ(action_named(name_of(a)), a);
  for (auto i : {intent::none, intent::wants, intent::declined, intent::blocked})
    EXPECT_EQ(intent_named(name_of(i)), i);
  EXPECT_FALSE(action_named("befriend"));
  EXPECT_FALSE(action_named(""));
  EXPECT_FALSE(intent_named("Wants"));
  EXPECT_STREQ(name_of(pair_state::pending_in), "pending-in");
}
