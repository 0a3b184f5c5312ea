// What a member can receive from the hub, walked field by field through each
// type's inspect(): the answers to the gateway's requests, what the hub sends
// a session, and the front's answer to a member's hello. The one actor
// handle among them is the member's own gateway; a handle to the registry,
// auth, keys, mailbox or a router in any of them would be found here.
#include <optional>
#include <string>
#include <type_traits>
#include <typeinfo>
#include <vector>

#include <gtest/gtest.h>

#include "core/interfaces.hpp"

using namespace chatter;

namespace {

template <class T>
struct is_handle : std::false_type {};
template <>
struct is_handle<caf::actor> : std::true_type {};
template <>
struct is_handle<caf::actor_addr> : std::true_type {};
template <>
struct is_handle<caf::strong_actor_ptr> : std::true_type {};
template <>
struct is_handle<caf::weak_actor_ptr> : std::true_type {};
template <class... Sigs>
struct is_handle<caf::typed_actor<Sigs...>> : std::true_type {};

template <class T>
struct is_sequence : std::false_type {};
template <class T, class A>
struct is_sequence<std::vector<T, A>> : std::true_type {};
template <class T>
struct is_sequence<std::optional<T>> : std::true_type {};

// An inspector that reads nothing but types: every handle it meets is noted.
struct handle_finder {
  using result_type = void;
  static constexpr bool reads_state = true;
  static constexpr bool writes_state = false;
  std::vector<std::string> found;

  template <class... Ts>
  void operator()(Ts&&... xs) {
    (visit(xs), ...);
  }

  template <class T>
  void visit(T& x) {
    using U = std::decay_t<T>;
    if constexpr (
      caf::meta::is_annotation<U>::value
      || std::is_empty_v<
        U> || std::is_arithmetic_v<U> || std::is_enum_v<U> || std::is_same_v<U, std::string>) {
      // no fields: atoms, numbers, text
    } else if constexpr (is_handle<U>::value) {
      found.emplace_back(typeid(U).name());
    } else if constexpr (is_sequence<U>::value) {
      typename U::value_type element{};
      visit(element);
    } else {
      inspect(*this, x);
    }
  }
};

template <class T>
void walk(handle_finder& f) {
  if constexpr (!std::is_void_v<T>) {
    T value{};
    f.visit(value);
  }
}

template <class Signature>
struct answers_of;
template <class In, class... Out>
struct answers_of<caf::typed_mpi<In, caf::output_tuple<Out...>>> {
  static void walk_all(handle_finder& f) {
    (walk<Out>(f), ...);
  }
};

template <class Signature>
struct inputs_of;
template <class... In, class Out>
struct inputs_of<caf::typed_mpi<caf::detail::type_list<In...>, Out>> {
  static void walk_all(handle_finder& f) {
    (walk<In>(f), ...);
  }
};

template <template <class> class Part, class... Sigs>
std::vector<std::string> handles_in(caf::detail::type_list<Sigs...>) {
  handle_finder f;
  (Part<Sigs>::walk_all(f), ...);
  return f.found;
}

}  // namespace

TEST(wire_types, the_finder_sees_a_handle_inside_a_struct) {
  handle_finder f;
  hub_handles h;
  f.visit(h);
  ASSERT_EQ(f.found.size(), 1u);
  EXPECT_EQ(f.found[0], typeid(member_gateway_actor).name());
}

TEST(wire_types, no_answer_of_the_gateway_carries_an_actor) {
  EXPECT_TRUE(handles_in<answers_of>(member_gateway_actor::signatures{}).empty());
}

TEST(wire_types, nothing_the_hub_sends_a_session_carries_an_actor) {
  EXPECT_TRUE(handles_in<inputs_of>(session_peer_actor::signatures{}).empty());
  EXPECT_TRUE(handles_in<inputs_of>(member_link_actor::signatures{}).empty());
}

TEST(wire_types, the_members_hello_is_answered_with_its_gateway_only) {
  using member_hello =
    caf::detail::type_list<caf::replies_to<hello_atom, member_link_actor>::with<hub_handles>>;
  static_assert(caf::detail::tl_subset_of<member_hello, hub_front_actor::signatures>::value);
  auto found = handles_in<answers_of>(member_hello{});
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0], typeid(member_gateway_actor).name());
}
