// The open stream connections (TCP, TLS, WS, WSS) of the transport layer, by id and by remote end
// (RFC 3261 §18.1.1: a request for an address with an open connection SHOULD reuse it; §18.2.2:
// a response goes back over the request's connection), with the limits on how many there are in
// all and per source address.
//
// Connections live on different event loops, so the table is shared between threads behind one
// mutex; it holds only weak references and every operation is a hash lookup. A connection is kept
// alive by its pending I/O, not by the table, and removes itself when it closes (never from its
// destructor: the last reference may be dropped while this table's lock is held).
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <vector>

#include "transport/types.hpp"

namespace parley::transport {

class Connection;

struct AddressHash {
  std::size_t operator()(const boost::asio::ip::address& a) const noexcept;
};
struct EndpointHash {
  std::size_t operator()(const Endpoint& e) const noexcept;
};

class ConnectionTable {
 public:
  enum class Admission { Admitted, TooManyFromSource, TooMany };

  ConnectionTable(std::size_t max_total, std::size_t max_per_source)
      : max_total_(max_total), max_per_source_(max_per_source) {}

  // An accepted connection, counted against both limits.
  Admission admit(const std::shared_ptr<Connection>& c);
  // An open connection to (protocol, remote), or a new one from `make` (made under the lock, so
  // that two threads sending to the same place share one connection). nullptr when the total
  // limit is reached; `created` says whether `make` was called.
  std::shared_ptr<Connection> find_or_add(Protocol protocol, const Endpoint& remote,
                                          const std::function<std::shared_ptr<Connection>()>& make,
                                          bool& created);
  std::shared_ptr<Connection> find(ConnectionId id) const;
  std::shared_ptr<Connection> find(Protocol protocol, const Endpoint& remote) const;
  void remove(ConnectionId id);
  std::vector<std::shared_ptr<Connection>> all() const;
  std::size_t size() const;
  std::size_t from_source(const boost::asio::ip::address& a) const;

 private:
  struct Key {
    Protocol protocol;
    Endpoint remote;
    friend bool operator==(const Key&, const Key&) = default;
  };
  struct KeyHash {
    std::size_t operator()(const Key& k) const noexcept {
      return EndpointHash{}(k.remote) * 31 + static_cast<std::size_t>(k.protocol);
    }
  };
  struct Entry {
    std::weak_ptr<Connection> connection;
    Key key;
    bool inbound = false;
  };
  std::shared_ptr<Connection> find_locked(const Key& key) const;
  void insert_locked(const std::shared_ptr<Connection>& c, bool inbound);
  void remove_locked(ConnectionId id);
  bool full_locked();
  void sweep_locked();

  std::size_t max_total_, max_per_source_;
  mutable std::mutex mutex_;
  std::unordered_map<ConnectionId, Entry> by_id_;
  std::unordered_multimap<Key, ConnectionId, KeyHash> by_remote_;
  std::unordered_map<boost::asio::ip::address, std::size_t, AddressHash> per_source_;
};

}  // namespace parley::transport
