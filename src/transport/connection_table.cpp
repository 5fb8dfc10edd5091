#include "transport/connection_table.hpp"

#include <functional>

#include "transport/connection.hpp"

namespace parley::transport {

std::size_t AddressHash::operator()(const boost::asio::ip::address& a) const noexcept {
  if (a.is_v4()) return std::hash<std::uint32_t>{}(a.to_v4().to_uint());
  auto bytes = a.to_v6().to_bytes();
  std::size_t h = 1469598103934665603ull;
  for (unsigned char b : bytes) h = (h ^ b) * 1099511628211ull;
  return h;
}

std::size_t EndpointHash::operator()(const Endpoint& e) const noexcept {
  return AddressHash{}(e.address) * 65599 + e.port;
}

// Connections destroyed without closing (their event loop went away) leave expired entries; they
// are swept when a limit is reached.
void ConnectionTable::sweep_locked() {
  std::vector<ConnectionId> expired;
  for (const auto& [id, e] : by_id_)
    if (e.connection.expired()) expired.push_back(id);
  for (ConnectionId id : expired) remove_locked(id);
}

bool ConnectionTable::full_locked() {
  if (by_id_.size() < max_total_) return false;
  sweep_locked();
  return by_id_.size() >= max_total_;
}

ConnectionTable::Admission ConnectionTable::admit(const std::shared_ptr<Connection>& c) {
  std::lock_guard lock(mutex_);
  if (full_locked()) return Admission::TooMany;
  auto at_limit = [&] {
    auto it = per_source_.find(c->remote().address);
    return it != per_source_.end() && it->second >= max_per_source_;
  };
  if (at_limit()) {
    sweep_locked();
    if (at_limit()) return Admission::TooManyFromSource;
  }
  insert_locked(c, true);
  return Admission::Admitted;
}

void ConnectionTable::insert_locked(const std::shared_ptr<Connection>& c, bool inbound) {
  Key key{c->protocol(), c->remote()};
  by_id_.emplace(c->id(), Entry{c, key, inbound});
  by_remote_.emplace(key, c->id());
  if (inbound) ++per_source_[key.remote.address];
}

std::shared_ptr<Connection> ConnectionTable::find_locked(const Key& key) const {
  auto [first, last] = by_remote_.equal_range(key);
  for (auto it = first; it != last; ++it) {
    auto e = by_id_.find(it->second);
    if (e == by_id_.end()) continue;
    if (auto c = e->second.connection.lock(); c && !c->closing()) return c;
  }
  return nullptr;
}

std::shared_ptr<Connection> ConnectionTable::find_or_add(
    Protocol protocol, const Endpoint& remote,
    const std::function<std::shared_ptr<Connection>()>& make, bool& created) {
  created = false;
  std::lock_guard lock(mutex_);
  if (auto c = find_locked(Key{protocol, remote})) return c;
  if (full_locked()) return nullptr;
  auto c = make();
  insert_locked(c, false);
  created = true;
  return c;
}

std::shared_ptr<Connection> ConnectionTable::find(ConnectionId id) const {
  std::lock_guard lock(mutex_);
  auto e = by_id_.find(id);
  if (e == by_id_.end()) return nullptr;
  auto c = e->second.connection.lock();
  return c && !c->closing() ? c : nullptr;
}

std::shared_ptr<Connection> ConnectionTable::find(Protocol protocol, const Endpoint& remote) const {
  std::lock_guard lock(mutex_);
  return find_locked(Key{protocol, remote});
}

void ConnectionTable::remove(ConnectionId id) {
  std::lock_guard lock(mutex_);
  remove_locked(id);
}

void ConnectionTable::remove_locked(ConnectionId id) {
  auto e = by_id_.find(id);
  if (e == by_id_.end()) return;
  auto [first, last] = by_remote_.equal_range(e->second.key);
  for (auto it = first; it != last; ++it) {
    if (it->second == id) {
      by_remote_.erase(it);
      break;
    }
  }
  if (e->second.inbound) {
    auto s = per_source_.find(e->second.key.remote.address);
    if (s != per_source_.end() && --s->second == 0) per_source_.erase(s);
  }
  by_id_.erase(e);
}

std::vector<std::shared_ptr<Connection>> ConnectionTable::all() const {
  std::lock_guard lock(mutex_);
  std::vector<std::shared_ptr<Connection>> out;
  out.reserve(by_id_.size());
  for (const auto& [id, e] : by_id_)
    if (auto c = e.connection.lock()) out.push_back(std::move(c));
  return out;
}

std::size_t ConnectionTable::size() const {
  std::lock_guard lock(mutex_);
  return by_id_.size();
}

std::size_t ConnectionTable::from_source(const boost::asio::ip::address& a) const {
  std::lock_guard lock(mutex_);
  auto it = per_source_.find(a);
  return it == per_source_.end() ? 0 : it->second;
}

}  // namespace parley::transport
