// The typed interface of every actor. A request that does not match one of
// these signatures does not compile, so the D-Bus bridge and the actors
// cannot drift apart.
#pragma once

#include "protocol.hpp"

namespace chatter {

// What the hub needs from a logged-in user's daemon: answers to re-challenges
// and notice of revocation. Handed to the hub at login.
using session_peer_actor =
  caf::typed_actor<caf::reacts_to<challenge_atom, std::string /*session*/, std::string /*nonce*/>,
                   caf::reacts_to<revoked_atom, std::string /*session*/, std::string /*reason*/>,
                   caf::reacts_to<deliver_atom, envelope>,
                   caf::reacts_to<deliver_atom, std::vector<envelope> /*at most max_batch*/>,
                   caf::reacts_to<receipt_atom, std::string /*message id*/,
                                  std::string /*recipient*/, std::string /*delivered or read*/>,
                   caf::reacts_to<receipt_atom, std::vector<receipt_info> /*at most max_batch*/>,
                   caf::reacts_to<presence_atom, presence_info /*of a watched user*/>,
                   // The other user's action changed our consent row about them.
                   caf::reacts_to<consent_atom, consent_entry>,
                   // The hub is running low on our one-time prekeys.
                   caf::reacts_to<replenish_atom, uint32_t /*one-time prekeys left*/>,
                   // The hub lost this session (on a cluster, the node holding the account
                   // restarted): log in again with the keys held since the password was typed.
                   caf::reacts_to<hubdown_atom, std::string /*session*/>>;

// Hub actors that need to know who is logged in: auth tells them of every
// session it grants and ends.
using session_listener_actor = caf::typed_actor<
  caf::reacts_to<online_atom, std::string /*session*/, std::string /*user*/, session_peer_actor>,
  caf::reacts_to<offline_atom, std::string /*session*/>>;

// The public-key directory.
using keys_actor = caf::typed_actor<
  caf::reacts_to<online_atom, std::string, std::string, session_peer_actor>,
  caf::reacts_to<offline_atom, std::string>,
  caf::replies_to<pubkey_atom, std::string /*session*/, public_identity>::with<caf::ok_atom>,
  caf::replies_to<fetchkey_atom, std::string /*session*/,
                  std::string /*user*/>::with<public_identity>,
  // The owner publishes its signed prekey and more one-time prekeys; the
  // answer is how many one-time prekeys the hub now holds.
  caf::replies_to<prekeys_atom, std::string /*session*/, signed_prekey,
                  std::vector<one_time_prekey>>::with<uint32_t>,
  // A first message's needs; each one-time prekey is handed out once.
  caf::replies_to<bundle_atom, std::string /*session*/, std::string /*user*/>::with<prekey_bundle>>;

// Store-and-forward of sealed envelopes; acks delete, and the sender hears
// of it (a receipt).
using mailbox_actor = caf::typed_actor<
  caf::reacts_to<online_atom, std::string, std::string, session_peer_actor>,
  caf::reacts_to<offline_atom, std::string>,
  caf::replies_to<enqueue_atom, std::string /*session*/, envelope>::with<caf::ok_atom>,
  // A batch (at most max_batch): each envelope as if enqueued alone, one
  // outcome each, answered after one commit.
  caf::replies_to<enqueue_atom, std::string /*session*/,
                  std::vector<envelope>>::with<std::vector<envelope_outcome>>,
  caf::replies_to<ack_atom, std::string /*session*/, std::string /*sender*/,
                  std::string /*message id*/>::with<caf::ok_atom>,
  // A cumulative ack: every envelope named (at most max_batch).
  caf::replies_to<ack_atom, std::string /*session*/, std::vector<message_ref>>::with<caf::ok_atom>,
  // The recipient read these messages of `sender`: read receipts.
  caf::replies_to<readrcpt_atom, std::string /*session*/, std::string /*sender*/,
                  std::vector<std::string> /*ids*/>::with<caf::ok_atom>>;

// Sign-up, the directory, presence and rooms. Everything but sign-up needs a
// session.
using registry_actor = caf::typed_actor<
  caf::reacts_to<online_atom, std::string, std::string, session_peer_actor>,
  caf::reacts_to<offline_atom, std::string>,
  caf::replies_to<offer_atom, std::string /*user*/, std::string /*address*/>::with<signup_offer>,
  caf::replies_to<signup_atom, signup_request, std::string /*address*/>::with<caf::ok_atom>,
  caf::replies_to<lookup_atom, std::string /*session*/, std::string /*user*/>::with<user_record>,
  caf::replies_to<search_atom, std::string /*session*/, std::string /*query*/,
                  uint32_t /*limit*/>::with<std::vector<presence_info>>,
  caf::replies_to<presence_atom, std::string /*session*/, std::string /*status*/,
                  std::string /*message*/>::with<caf::ok_atom>,
  // Presence changes of these users go to the session from now on; the
  // answer is their presence now.
  caf::replies_to<watch_atom, std::string /*session*/,
                  std::vector<std::string>>::with<std::vector<presence_info>>,
  caf::replies_to<unwatch_atom, std::string /*session*/, std::string /*user*/>::with<caf::ok_atom>,
  caf::replies_to<roomnew_atom, std::string /*session*/, std::string /*room*/,
                  std::vector<std::string> /*members*/>::with<room_info>,
  caf::replies_to<roominv_atom, std::string /*session*/, std::string /*room*/,
                  std::string /*user*/>::with<room_info>,
  caf::replies_to<roomleave_atom, std::string /*session*/,
                  std::string /*room*/>::with<caf::ok_atom>,
  caf::replies_to<roomget_atom, std::string /*session*/, std::string /*room*/>::with<room_info>,
  caf::replies_to<rooms_atom, std::string /*session*/>::with<std::vector<room_info>>,
  // Consent (core/consent.hpp): an action (request, decline, remove, block,
  // unblock) on the session user's row about `peer`; the answer is the row.
  caf::replies_to<consent_atom, std::string /*session*/, std::string /*peer*/,
                  std::string /*action*/>::with<consent_entry>,
  caf::replies_to<consents_atom, std::string /*session*/>::with<std::vector<consent_entry>>,
  // The session user's action, copied into `peer`'s row about them at the
  // peer's home. Never from a member: a router of this node sends it.
  caf::replies_to<consentcp_atom, std::string /*session*/, std::string /*peer*/,
                  std::string /*action*/>::with<caf::ok_atom>>;

// Internal to the hub, like every interface above member_gateway_actor:
// only a gateway (or a cluster router) talks to it, naming the member's
// network address, which its limits are keyed by.
using auth_actor =
  caf::typed_actor<caf::replies_to<login_atom, std::string /*user*/, std::string /*client nonce*/,
                                   std::string /*address*/>::with<login_challenge>,
                   caf::replies_to<proof_atom, uint64_t /*attempt*/, bytes /*client proof*/,
                                   session_peer_actor, std::string /*address*/>::with<login_grant>,
                   caf::replies_to<answer_atom, std::string /*session*/, std::string /*nonce*/,
                                   bytes /*proof*/>::with<int64_t /*accepted at, ms*/>,
                   caf::replies_to<logout_atom, std::string /*session*/>::with<caf::ok_atom>,
                   caf::reacts_to<due_atom, std::string /*session*/>>;

// The hub's own actors. They never cross the wire: a member reaches them
// only through its gateway, which is why their handles are not inspectable.
struct hub_actors {
  registry_actor registry;
  auth_actor auth;
  keys_actor keys;
  mailbox_actor mailbox;
};

// The requests bound to a session, as a member sends them to its gateway
// and as one cluster node passes them to another: the same rows in both.
using session_requests = caf::typed_actor<
  caf::replies_to<lookup_atom, std::string, std::string>::with<user_record>,
  caf::replies_to<search_atom, std::string, std::string,
                  uint32_t>::with<std::vector<presence_info>>,
  caf::replies_to<presence_atom, std::string, std::string, std::string>::with<caf::ok_atom>,
  caf::replies_to<watch_atom, std::string,
                  std::vector<std::string>>::with<std::vector<presence_info>>,
  caf::replies_to<unwatch_atom, std::string, std::string>::with<caf::ok_atom>,
  caf::replies_to<roomnew_atom, std::string, std::string,
                  std::vector<std::string>>::with<room_info>,
  caf::replies_to<roominv_atom, std::string, std::string, std::string>::with<room_info>,
  caf::replies_to<roomleave_atom, std::string, std::string>::with<caf::ok_atom>,
  caf::replies_to<roomget_atom, std::string, std::string>::with<room_info>,
  caf::replies_to<rooms_atom, std::string>::with<std::vector<room_info>>,
  caf::replies_to<consent_atom, std::string, std::string, std::string>::with<consent_entry>,
  caf::replies_to<consents_atom, std::string>::with<std::vector<consent_entry>>,
  caf::replies_to<pubkey_atom, std::string, public_identity>::with<caf::ok_atom>,
  caf::replies_to<fetchkey_atom, std::string, std::string>::with<public_identity>,
  caf::replies_to<prekeys_atom, std::string, signed_prekey,
                  std::vector<one_time_prekey>>::with<uint32_t>,
  caf::replies_to<bundle_atom, std::string, std::string>::with<prekey_bundle>,
  caf::replies_to<enqueue_atom, std::string, envelope>::with<caf::ok_atom>,
  caf::replies_to<enqueue_atom, std::string,
                  std::vector<envelope>>::with<std::vector<envelope_outcome>>,
  caf::replies_to<ack_atom, std::string, std::string, std::string>::with<caf::ok_atom>,
  caf::replies_to<ack_atom, std::string, std::vector<message_ref>>::with<caf::ok_atom>,
  caf::replies_to<readrcpt_atom, std::string, std::string,
                  std::vector<std::string>>::with<caf::ok_atom>>;

// The one actor a member can reach: a gateway per member connection
// (gateway/gateway.hpp). Exactly the member-facing requests: sign-up, the
// login steps, and the session-bound requests after login, each checked
// against the sessions proved through this gateway. What the hub sends the
// member comes from the gateway too.
using member_gateway_actor =
  caf::typed_actor<caf::replies_to<offer_atom, std::string /*user*/>::with<signup_offer>,
                   caf::replies_to<signup_atom, signup_request>::with<caf::ok_atom>,
                   caf::replies_to<login_atom, std::string /*user*/,
                                   std::string /*client nonce*/>::with<login_challenge>,
                   // The peer is the member's account: what the hub sends the session goes
                   // there, from this gateway.
                   caf::replies_to<proof_atom, uint64_t /*attempt*/, bytes /*client proof*/,
                                   session_peer_actor>::with<login_grant>,
                   caf::replies_to<answer_atom, std::string /*session*/, std::string /*nonce*/,
                                   bytes /*proof*/>::with<int64_t /*accepted at, ms*/>,
                   caf::replies_to<logout_atom, std::string /*session*/>::with<caf::ok_atom>>::
    extend_with<session_requests>;

// The member's link to a remote hub, as the hub's front sees it: the
// gateway watches it, and ends with the connection.
using member_link_actor = caf::typed_actor<caf::reacts_to<retry_atom>>;

// The hub as a member's daemon holds it, local or remote alike: one typed
// value, the payload of hubup and of the account configs.
struct hub_handles {
  member_gateway_actor gateway;
  explicit operator bool() const {
    return static_cast<bool>(gateway);
  }
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, hub_handles& x) {
  return f(caf::meta::type_name("hub_handles"), x.gateway);
}

// What one node of a hub cluster sends another: the hub actors' requests,
// routed to the node where the user they concern lives, and the cluster's
// own news. A node reaches a peer only through the link that peer spawned
// for it once it proved the cluster secret (cluster/node_link.cpp), and that
// link takes messages from the proven node only: no router crosses the wire.
using cluster_node_actor = caf::typed_actor<
  // A session began at its entry node: what the home sends it goes to the
  // entry node's relay.
  caf::reacts_to<online_atom, std::string /*session*/, std::string /*user*/,
                 session_peer_actor /*relay*/>,
  caf::reacts_to<offline_atom, std::string /*session*/>,
  // From the node that handed a user over: that user's session is lost.
  caf::reacts_to<hubdown_atom, std::string /*session*/>,
  caf::replies_to<join_atom, std::string /*address*/, bytes /*proof*/>::with<caf::ok_atom>,
  caf::replies_to<import_atom, uint32_t /*index*/, uint32_t /*total*/,
                  bytes /*chunk*/>::with<caf::ok_atom>,
  // The hub actors' own requests (they name the member's address), then the
  // session-bound ones.
  caf::replies_to<offer_atom, std::string, std::string>::with<signup_offer>,
  caf::replies_to<signup_atom, signup_request, std::string>::with<caf::ok_atom>,
  caf::replies_to<login_atom, std::string, std::string, std::string>::with<login_challenge>,
  caf::replies_to<proof_atom, uint64_t, bytes, session_peer_actor, std::string>::with<login_grant>,
  caf::replies_to<answer_atom, std::string, std::string, bytes>::with<int64_t>,
  caf::replies_to<logout_atom, std::string>::with<caf::ok_atom>,
  caf::reacts_to<due_atom, std::string>,
  // A consent action's copy for the peer's home (registry_actor).
  caf::replies_to<consentcp_atom, std::string, std::string,
                  std::string>::with<caf::ok_atom>>::extend_with<session_requests>;

// What a hub publishes on the network: "hello" answers a gateway of the
// asking connection's own, so a member needs one port and one handle. On a
// cluster node, a peer node that proves the cluster secret (an HMAC bound to
// its address and to both nodes) and hands over its link for this node gets
// this node's link for it.
using hub_front_actor = caf::typed_actor<
  caf::replies_to<hello_atom, member_link_actor>::with<hub_handles>,
  caf::replies_to<hello_atom, std::string /*node address*/, bytes /*proof*/,
                  cluster_node_actor /*its link for us*/>::with<cluster_node_actor>>;

// The hub's connection reaper (gateway/reaper.hpp): it closes a connection
// that says no hello in time, or stays without a session. The front and the
// gateways tell it what they know of each connection; its handle never
// crosses the wire.
using connection_reaper_actor = caf::typed_actor<
  // A member's hello came over the connection from HOST:PORT (the address
  // the middleman names); this gateway serves it.
  caf::reacts_to<hello_atom, std::string /*host*/, uint16_t /*port*/, member_gateway_actor>,
  // A peer node of the cluster proved itself over that connection.
  caf::reacts_to<hello_atom, std::string /*host*/, uint16_t /*port*/>,
  // From a gateway: how many sessions are now proved through it.
  caf::reacts_to<online_atom, uint32_t /*sessions*/>,
  // The hub listens on this port: watch the connections accepted on it.
  caf::reacts_to<reap_atom, uint16_t /*port*/>,
  caf::reacts_to<reap_atom>>;  // the scan's timer

// Who hears that the hub came (its handles) or went: the account manager,
// which tells its accounts.
using hub_listener_actor =
  caf::typed_actor<caf::reacts_to<hubup_atom, hub_handles>, caf::reacts_to<hubdown_atom>>;

// Runs Argon2id, and key generation, off the scheduler's threads (spawned
// detached, one per use).
using kdf_actor = caf::typed_actor<
  caf::replies_to<derive_atom, secret /*password*/, bytes /*salt*/>::with<derived_keys>,
  caf::replies_to<keygen_atom, std::string /*user*/, std::string /*suite*/,
                  secret /*password*/>::with<locked_keys>>;

// Sealing and opening messages: stateless workers in a pool, one per core,
// so a burst uses every core and no account waits behind another's crypto.
// Crypto failures answer UntrustedKey with what failed.
using crypto_actor = caf::typed_actor<
  caf::replies_to<seal_atom, seal_order>::with<std::vector<envelope> /*one per recipient*/>,
  caf::replies_to<open_atom, identity_ref /*me*/, public_identity /*sender*/,
                  envelope>::with<std::string /*text*/>>;

// One account of this daemon; extends session_peer_actor for the hub.
using account_actor = caf::typed_actor<
  caf::reacts_to<challenge_atom, std::string, std::string>,
  caf::reacts_to<revoked_atom, std::string, std::string>, caf::reacts_to<deliver_atom, envelope>,
  caf::reacts_to<deliver_atom, std::vector<envelope>>,
  caf::reacts_to<receipt_atom, std::string, std::string, std::string>,
  caf::reacts_to<receipt_atom, std::vector<receipt_info>>,
  caf::reacts_to<presence_atom, presence_info>, caf::reacts_to<consent_atom, consent_entry>,
  caf::reacts_to<replenish_atom, uint32_t>, caf::reacts_to<hubdown_atom, std::string>,
  caf::reacts_to<hubup_atom, hub_handles>, caf::reacts_to<hubdown_atom>,
  caf::reacts_to<retry_atom>,  // the outbox timer
  caf::reacts_to<flush_atom>,  // to itself only: commits its batch of writes
  caf::replies_to<login_atom, secret /*password*/>::with<account_status>,
  caf::replies_to<logout_atom>::with<caf::ok_atom>,
  caf::replies_to<status_atom>::with<account_status>,
  caf::replies_to<send_atom, std::string /*to*/, std::string /*text*/>::with<std::string /*id*/>,
  caf::replies_to<history_atom, std::string /*peer*/, int64_t /*before*/,
                  uint32_t /*limit*/>::with<std::vector<message_record>>,
  caf::replies_to<pendmsgs_atom>::with<std::vector<message_record>>,
  caf::replies_to<ackmsgs_atom, std::vector<std::string>>::with<caf::ok_atom>,
  caf::replies_to<fprint_atom, std::string /*user*/>::with<std::string>,
  // Closes the ratchet sessions with a peer; the next message sets up anew.
  caf::replies_to<resetsess_atom, std::string /*user*/>::with<caf::ok_atom>,
  caf::replies_to<verify_atom, std::string /*user*/,
                  std::string /*fingerprint*/>::with<caf::ok_atom>,
  caf::replies_to<presence_atom, std::string /*status*/,
                  std::string /*message*/>::with<caf::ok_atom>,
  caf::replies_to<search_atom, std::string /*query*/,
                  uint32_t /*limit*/>::with<std::vector<presence_info>>,
  caf::replies_to<addcont_atom, std::string /*user*/>::with<caf::ok_atom>,
  caf::replies_to<rmcont_atom, std::string /*user*/>::with<caf::ok_atom>,
  caf::replies_to<contacts_atom>::with<std::vector<contact_info>>,
  // Consent: request (with a message for them), accept, decline, block,
  // unblock (core/consent.hpp; the message is empty but for request).
  caf::replies_to<consent_atom, std::string /*user*/, std::string /*action*/,
                  std::string /*message*/>::with<caf::ok_atom>,
  caf::replies_to<blocked_atom>::with<std::vector<std::string>>,
  caf::replies_to<markread_atom, std::string /*peer or #room*/>::with<caf::ok_atom>,
  caf::replies_to<roomnew_atom, std::string /*room*/,
                  std::vector<std::string> /*members*/>::with<room_info>,
  caf::replies_to<roominv_atom, std::string /*room*/, std::string /*user*/>::with<room_info>,
  caf::replies_to<roomleave_atom, std::string /*room*/>::with<caf::ok_atom>,
  caf::replies_to<rooms_atom>::with<std::vector<room_info>>>;

// The daemon's accounts: sign-up, login, logout, and the actor of each.
using account_manager_actor = caf::typed_actor<
  caf::reacts_to<hubup_atom, hub_handles>, caf::reacts_to<hubdown_atom>,
  // Its own timer: an account that ended unexpectedly starts again.
  caf::reacts_to<respawn_atom, std::string /*user*/>,
  caf::replies_to<register_atom, std::string /*user*/, secret /*password*/,
                  registration_settings>::with<caf::ok_atom>,
  caf::replies_to<login_atom, std::string /*user*/, secret /*password*/>::with<account_status>,
  caf::replies_to<logout_atom, std::string /*user*/>::with<caf::ok_atom>,
  // The accounts this daemon knows, logged in or not.
  caf::replies_to<known_atom>::with<std::vector<std::string>>,
  // The actor of a known account (spawned on demand: history and
  // fingerprints work while logged out); NotFound for an unknown one.
  caf::replies_to<account_atom, std::string /*user*/>::with<account_actor>>;

// Where account events go: the D-Bus bridge turns them into objects,
// property changes and signals.
using event_sink_actor = caf::typed_actor<
  caf::reacts_to<known_atom, std::string /*user*/>, caf::reacts_to<authed_atom, account_status>,
  caf::reacts_to<reauth_atom, std::string /*user*/, int64_t /*ms*/>,
  caf::reacts_to<revoked_atom, std::string /*user*/, std::string /*reason*/>,
  caf::reacts_to<received_atom, std::string /*user*/, message_record>,
  caf::reacts_to<state_atom, std::string /*user*/, std::string /*id*/, std::string /*peer*/,
                 std::string /*state*/>,
  caf::reacts_to<state_atom, std::string /*user*/, std::string /*id*/, std::string /*peer*/,
                 std::string /*state*/, std::map<std::string, std::string> /*extras*/>,
  // `count` messages of `peer` (a user or "#room") never came (MessagesMissing).
  caf::reacts_to<missing_atom, std::string /*user*/, std::string /*peer*/, uint64_t /*count*/>,
  caf::reacts_to<keychange_atom, std::string /*user*/, std::string /*contact*/,
                 std::string /*new fingerprint*/>,
  caf::reacts_to<presence_atom, std::string /*user*/, presence_info /*of a contact*/>,
  // ContactRequested and ContactStateChanged.
  caf::reacts_to<requested_atom, std::string /*user*/, std::string /*from*/,
                 std::string /*message*/>,
  caf::reacts_to<consent_atom, std::string /*user*/, std::string /*contact*/,
                 std::string /*state*/>,
  caf::reacts_to<arrived_atom, std::string /*user*/, std::string /*interlocutor*/,
                 std::string /*display name*/>,
  caf::reacts_to<stats_atom, std::string /*user*/, uint64_t /*envelopes dropped*/>,
  // The account's State: ok, degraded: <why>, failed: <why> (account/health.hpp).
  caf::reacts_to<health_atom, std::string /*user*/, std::string /*state*/>,
  caf::reacts_to<hubup_atom, std::string /*address*/>,
  caf::reacts_to<hubdown_atom, std::string /*address*/>,
  // The robot did something (ActionPerformed), or its state changed.
  caf::reacts_to<performed_atom, std::string /*action*/, std::string /*detail*/>,
  caf::reacts_to<tuxstate_atom, std::string /*backend*/, bool /*connected*/,
                 bool /*react on arrival*/, bool /*react on message*/>>;

// Who hears of new interlocutors and incoming messages besides the
// front-ends: the Tux Droid robot.
using interlocutor_listener_actor =
  caf::typed_actor<caf::reacts_to<arrived_atom, std::string /*user*/, std::string /*interlocutor*/,
                                  std::string /*display name*/>,
                   caf::reacts_to<received_atom, std::string /*user*/, message_record>>;

// The robot: reacts to arrivals and messages, speaks and moves on request.
// Requests answer once queued, never after the robot is done: a slow robot
// never delays a D-Bus reply.
using tuxdroid_actor = interlocutor_listener_actor::extend<
  caf::replies_to<speak_atom, std::string /*text*/>::with<caf::ok_atom>,
  caf::replies_to<perform_atom, std::string /*action*/>::with<caf::ok_atom>,
  caf::replies_to<react_atom, bool /*on arrival*/, bool /*on message*/>::with<caf::ok_atom>,
  caf::reacts_to<flush_atom>,   // the coalescing window closed: next turn
  caf::reacts_to<probe_atom>>;  // time to ask whether the robot is there

// The robot's backend on a thread of its own: it blocks on HTTP or on
// espeak-ng. One turn at a time; answers whether the robot is connected.
using tux_worker_actor =
  caf::typed_actor<caf::replies_to<perform_atom, std::string /*speech*/,
                                   std::vector<std::string> /*actions*/>::with<bool /*connected*/>,
                   caf::replies_to<probe_atom>::with<std::string /*backend*/, bool /*connected*/>>;

}  // namespace chatter
