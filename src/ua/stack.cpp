#include "ua/stack.hpp"

#include <boost/asio/post.hpp>
#include <stdexcept>

#include "common/asio_timer_service.hpp"
#include "transport/event_loops.hpp"
#include "transport/listen_spec.hpp"
#include "transport/transport_layer.hpp"

namespace parley::ua {

Stack::Stack(StackOptions options) {
  auto spec = transport::parse_listen_spec(options.listen);
  if (!spec) throw std::runtime_error("--listen " + options.listen + ": " + spec.error());
  loops_ = std::make_unique<transport::EventLoops>(1);
  io_ = loops_->contexts().front();
  timers_ = std::make_unique<AsioTimerService>(io_->get_executor());
  receiver_ = std::make_unique<TapReceiver>(options.observer);
  transport::Settings settings;
  settings.listen = {*spec};
  settings.udp_socket_per_thread = false;
  transport_ =
      std::make_unique<transport::TransportLayer>(loops_->contexts(), settings, *receiver_);
  try {
    transport_->start();
  } catch (...) {
    transport_.reset();
    loops_->stop();
    throw;
  }
  protocol_ = spec->protocol;
  auto bound = transport_->listening();
  local_ = bound.empty() ? spec->endpoint : bound.front().endpoint;
  sender_ = std::make_unique<TapSender>(*transport_, options.observer);
  options.ua.local = local_;
  options.ua.protocol = protocol_;
  if (options.ua.media.address == "127.0.0.1")
    options.ua.media.address = local_.address.to_string();
  options.ua.media.ipv6 = local_.address.is_v6();
  ua_ = std::make_unique<UserAgent>(*timers_, *sender_, options.ua);
  receiver_->set_next(&ua_->receiver());
}

Stack::~Stack() {
  stop();
  ua_.reset();
  transport_.reset();
  timers_.reset();
}

void Stack::post(std::function<void()> fn) { boost::asio::post(*io_, std::move(fn)); }

void Stack::run(const std::function<void(UserAgent&)>& fn) {
  std::promise<void> done;
  post([&] {
    fn(*ua_);
    done.set_value();
  });
  done.get_future().wait();
}

void Stack::stop() {
  if (stopped_) return;
  stopped_ = true;
  receiver_->set_next(nullptr);
  transport_->stop();
  loops_->stop();
  // The UA, its sessions and their timers stay until the Stack goes: an application may still
  // hold a Call, whose timers belong to timers_.
}

}  // namespace parley::ua
