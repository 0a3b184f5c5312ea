// /org/chatter/Chatter1/accounts/<user>: org.chatter.Chatter1.Account.
// Properties are served from a cache the bridge keeps current from account
// events, because D-Bus property reads must answer at once.
#pragma once

#include <sdbus-c++/sdbus-c++.h>

#include "chatter_account_adaptor.h"
#include "core/protocol.hpp"

namespace chatter::dbus {

class bridge;

// One MessageStateChanged, as MessageStatesChanged carries it.
struct state_change {
  std::string id, peer, state;
  std::map<std::string, std::string> extras;
};

class account_object final
  : public sdbus::AdaptorInterfaces<org::chatter::Chatter1::Account_adaptor,
                                    sdbus::Properties_adaptor, sdbus::ManagedObject_adaptor> {
public:
  account_object(sdbus::IConnection& connection, bridge& owner, std::string user);
  ~account_object();

  // The property cache's one writer is the event sink (bridge.cpp): these
  // are the account's events.
  void update(const account_status& status);
  void reauthenticated(int64_t timestamp_ms);
  void revoked(const std::string& reason);
  void received(const message_record& m);
  void state_changed(const std::string& id, const std::string& peer, const std::string& state,
                     const std::map<std::string, std::string>& extras = {});
  void key_changed(const std::string& contact, const std::string& fingerprint);
  void messages_missing(const std::string& peer, uint64_t count);
  void presence_changed(const presence_info& info);
  void arrived(const std::string& contact, const std::string& display_name);
  void contact_requested(const std::string& from, const std::string& message);
  void consent_changed(const std::string& contact, const std::string& state);
  void stats(uint64_t dropped);
  void health_changed(const std::string& health);
  // One coalescing window's messages and state changes, as the batched
  // signals, to the connections that asked for them.
  void received_batch(const std::vector<message_record>& batch);
  void states_batch(const std::vector<state_change>& batch);
  bool wants_batches() const {
    return !batched_clients_.empty();
  }
  // `client` (a unique bus name) no longer wants the batched signals;
  // false when it had not asked for them.
  bool forget_client(const std::string& client);
  // `client` (a unique bus name) wants the batched signals, until it asks
  // no more or leaves; why not, for a connection without a name.
  std::string remember_client(const std::string& client);

  using message_list = std::vector<
    sdbus::Struct<std::string, std::string, std::string, std::string, int64_t, std::string>>;
  using user_list = std::vector<sdbus::Struct<std::string, std::string, std::string, std::string>>;
  using contact_list = std::vector<
    sdbus::Struct<std::string, std::string, std::string, std::string, std::string, std::string>>;
  using room_list = std::vector<sdbus::Struct<std::string, std::string, std::vector<std::string>>>;

private:
  void Logout(sdbus::Result<>&& result) override;
  void SendMessage(sdbus::Result<std::string>&& result, std::string to, std::string text) override;
  void SendMessages(sdbus::Result<std::vector<std::string>>&& result,
                    std::vector<sdbus::Struct<std::string, std::string>> messages) override;
  void EnableBatchedSignals(sdbus::Result<>&& result) override;
  void DisableBatchedSignals(sdbus::Result<>&& result) override;
  void GetHistory(sdbus::Result<message_list>&& result, std::string peer, int64_t before,
                  uint32_t limit) override;
  void ListPendingMessages(sdbus::Result<message_list>&& result) override;
  void AcknowledgeMessages(sdbus::Result<>&& result, std::vector<std::string> ids) override;
  void GetFingerprint(sdbus::Result<std::string>&& result, std::string user) override;
  void VerifyContact(sdbus::Result<>&& result, std::string user, std::string fingerprint) override;
  void ResetSession(sdbus::Result<>&& result, std::string peer) override;
  void MarkRead(sdbus::Result<>&& result, std::string peer) override;
  void SetPresence(sdbus::Result<>&& result, std::string status, std::string message) override;
  void SearchDirectory(sdbus::Result<user_list>&& result, std::string query,
                       uint32_t limit) override;
  void AddContact(sdbus::Result<>&& result, std::string user) override;
  void RequestContact(sdbus::Result<>&& result, std::string user, std::string message) override;
  void AcceptContact(sdbus::Result<>&& result, std::string user) override;
  void DeclineContact(sdbus::Result<>&& result, std::string user) override;
  void BlockUser(sdbus::Result<>&& result, std::string user) override;
  void UnblockUser(sdbus::Result<>&& result, std::string user) override;
  void ListBlocked(sdbus::Result<std::vector<std::string>>&& result) override;
  void RemoveContact(sdbus::Result<>&& result, std::string user) override;
  void ListContacts(sdbus::Result<contact_list>&& result) override;
  void CreateRoom(sdbus::Result<>&& result, std::string name,
                  std::vector<std::string> members) override;
  void InviteToRoom(sdbus::Result<>&& result, std::string room, std::string user) override;
  void LeaveRoom(sdbus::Result<>&& result, std::string room) override;
  void ListRooms(sdbus::Result<room_list>&& result) override;
  std::string Username() override;
  std::string DisplayName() override;
  std::string Presence() override;
  std::string State() override;
  std::map<std::string, uint64_t> Stats() override;
  bool Authenticated() override;
  int64_t LastReauthentication() override;
  std::string Fingerprint() override;
  std::string Suite() override;

  // Validates and forwards RequestContact, AcceptContact, ... (`action`).
  void change_consent(sdbus::Result<>&& result, const std::string& user, const char* action,
                      const std::string& message = {});

  bridge& bridge_;
  std::string user_;
  account_status status_;
  uint64_t dropped_ = 0;
  std::string health_ = "ok";
  // The connections that asked for the batched signals, each with the
  // match that tells when it leaves the bus.
  std::map<std::string, sdbus::Slot> batched_clients_;
};

}  // namespace chatter::dbus
