#include "support.hpp"

#include <unistd.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/write.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <thread>

#include "message/builder.hpp"

namespace parley::transport::test {

std::string request(std::string_view via, std::string_view method, std::string_view body) {
  std::string m;
  m.append(method).append(" sip:bob@example.com SIP/2.0\r\n");
  m.append("Via: ").append(via).append("\r\n");
  m.append("Max-Forwards: 70\r\n");
  m.append("From: <sip:alice@example.com>;tag=a1\r\n");
  m.append("To: <sip:bob@example.com>\r\n");
  m.append("Call-ID: test-call@example.com\r\n");
  m.append("CSeq: 1 ").append(method).append("\r\n");
  m.append("Content-Length: ").append(std::to_string(body.size())).append("\r\n\r\n");
  m.append(body);
  return m;
}

std::string broken_request() {
  std::string r = request();
  r.insert(r.find("Content-Length"), "This line has no colon\r\n");
  return r;
}

std::string ok_for(const message::Message& request) {
  return message::response_to(request, 200, {}, "b2").finish();
}

// ---- Recorder

void Recorder::receive(Incoming&& in) {
  if (on_receive) on_receive(in);
  std::lock_guard lock(mutex_);
  queue_.push_back(std::move(in));
  ++total_;
  cv_.notify_all();
}

std::optional<Incoming> Recorder::next(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  if (!cv_.wait_for(lock, timeout, [&] { return !queue_.empty(); })) return std::nullopt;
  Incoming in = std::move(queue_.front());
  queue_.pop_front();
  return in;
}

std::size_t Recorder::count() const {
  std::lock_guard lock(mutex_);
  return total_;
}

// ---- Node

Node::Node(Settings settings, std::size_t threads) : loops(threads) {
  layer = std::make_unique<TransportLayer>(loops.contexts(), std::move(settings), received);
  layer->start();
}

Node::~Node() {
  layer->stop();
  loops.stop();
  layer.reset();
}

Endpoint Node::at(Protocol p, bool ipv6) const {
  auto e = layer->local_endpoint(p, ipv6);
  EXPECT_TRUE(e) << "no " << via_token(p) << " listener";
  return e.value_or(Endpoint{});
}

Settings listening_on(std::initializer_list<std::string_view> specs) {
  Settings s;
  for (std::string_view text : specs) {
    auto spec = parse_listen_spec(text);
    EXPECT_TRUE(spec) << (spec ? "" : spec.error());
    if (spec) s.listen.push_back(*spec);
  }
  return s;
}

// ---- Errors

Sender::ErrorHandler Errors::handler() {
  return [state = state_](std::string_view why) {
    std::lock_guard lock(state->mutex);
    state->items.emplace_back(why);
    state->cv.notify_all();
  };
}

std::optional<std::string> Errors::next(std::chrono::milliseconds timeout) {
  std::unique_lock lock(state_->mutex);
  if (!state_->cv.wait_for(lock, timeout, [&] { return !state_->items.empty(); }))
    return std::nullopt;
  std::string why = std::move(state_->items.front());
  state_->items.pop_front();
  return why;
}

// ---- certificates

namespace {

void run(const std::string& command) {
  int rc = std::system((command + " >/dev/null 2>&1").c_str());
  if (rc != 0) throw std::runtime_error("failed (" + std::to_string(rc) + "): " + command);
}

Certificates make_certificates() {
  char tmpl[] = "/tmp/parley-tls-XXXXXX";
  if (!mkdtemp(tmpl)) throw std::runtime_error("mkdtemp failed");
  Certificates c;
  c.dir = tmpl;
  c.ca = c.dir + "/ca.crt";
  c.server_cert = c.dir + "/server.crt";
  c.server_key = c.dir + "/server.key";
  c.rogue_cert = c.dir + "/rogue.crt";
  c.rogue_key = c.dir + "/rogue.key";
  const std::string ec = "-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes";
  const std::string san = "subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1";
  run("openssl req -x509 " + ec + " -keyout " + c.dir + "/ca.key -out " + c.ca +
      " -days 2 -subj '/CN=parley test CA' -addext basicConstraints=critical,CA:TRUE"
      " -addext keyUsage=critical,keyCertSign,cRLSign");
  run("openssl req " + ec + " -keyout " + c.server_key + " -out " + c.dir +
      "/server.csr -subj '/CN=localhost'");
  std::ofstream(c.dir + "/ext.cnf") << san << "\nbasicConstraints=CA:FALSE\n"
                                    << "extendedKeyUsage=serverAuth,clientAuth\n";
  run("openssl x509 -req -in " + c.dir + "/server.csr -CA " + c.ca + " -CAkey " + c.dir +
      "/ca.key -CAcreateserial -out " + c.server_cert + " -days 2 -extfile " + c.dir + "/ext.cnf");
  run("openssl req -x509 " + ec + " -keyout " + c.rogue_key + " -out " + c.rogue_cert +
      " -days 2 -subj '/CN=localhost' -addext '" + san + "'");
  return c;
}

struct CertificateDir {
  Certificates certs = make_certificates();
  ~CertificateDir() {
    std::error_code ignored;
    std::filesystem::remove_all(certs.dir, ignored);
  }
};

}  // namespace

const Certificates& certificates() {
  static CertificateDir dir;
  return dir.certs;
}

// ---- running the test's own I/O

bool eventually(const std::function<bool()>& condition, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!condition()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(1ms);
  }
  return true;
}

bool run_until(asio::io_context& io, const bool& done, std::chrono::milliseconds timeout) {
  io.restart();
  auto end = std::chrono::steady_clock::now() + timeout;
  while (!done) {
    auto left = end - std::chrono::steady_clock::now();
    if (left <= std::chrono::steady_clock::duration::zero()) break;
    io.run_one_for(left);
    if (io.stopped()) io.restart();
  }
  return done;
}

// ---- StreamClient

StreamClient::StreamClient(const Endpoint& server, asio::ssl::context* tls, std::string sni)
    : server_(server), sni_(std::move(sni)) {
  if (tls)
    tls_.emplace(io_, *tls);
  else
    tcp_.emplace(io_);
}

bool StreamClient::connect() {
  tcp::socket& s = tls_ ? tls_->next_layer() : *tcp_;
  bool done = false;
  boost::system::error_code ec;
  s.async_connect(tcp::endpoint(server_.address, server_.port), [&](auto e) {
    ec = e;
    done = true;
  });
  if (!run_until(io_, done) || ec) return false;
  if (!tls_) return true;
  if (!sni_.empty()) SSL_set_tlsext_host_name(tls_->native_handle(), sni_.c_str());
  done = false;
  tls_->async_handshake(asio::ssl::stream_base::client, [&](auto e) {
    ec = e;
    done = true;
  });
  return run_until(io_, done) && !ec;
}

bool StreamClient::write(std::string_view bytes) {
  bool done = false;
  boost::system::error_code ec;
  auto h = [&](auto e, std::size_t) {
    ec = e;
    done = true;
  };
  if (tls_)
    asio::async_write(*tls_, asio::buffer(bytes), h);
  else
    asio::async_write(*tcp_, asio::buffer(bytes), h);
  return run_until(io_, done) && !ec;
}

// The handler's state is shared with it: a read that outlives its wait cannot write to a gone
// frame.
struct ReadState {
  char buf[8192];
  bool done = false;
  boost::system::error_code ec;
  std::size_t n = 0;
};

bool StreamClient::read_some(std::chrono::milliseconds timeout) {
  auto st = std::make_shared<ReadState>();
  auto h = [st](auto e, std::size_t k) {
    st->ec = e;
    st->n = k;
    st->done = true;
  };
  if (tls_)
    tls_->async_read_some(asio::buffer(st->buf), h);
  else
    tcp_->async_read_some(asio::buffer(st->buf), h);
  if (!run_until(io_, st->done, timeout)) {
    boost::system::error_code ignored;
    (tls_ ? tls_->next_layer() : *tcp_).cancel(ignored);
    run_until(io_, st->done, 1s);
    if (!st->done) return false;
  }
  data_.append(st->buf, st->n);
  if (st->ec && st->ec != asio::error::operation_aborted) eof_ = true;
  return st->n > 0;
}

std::string StreamClient::read_until(std::string_view needle, std::chrono::milliseconds timeout) {
  auto end = std::chrono::steady_clock::now() + timeout;
  while (data_.find(needle) == std::string::npos && !eof_) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        end - std::chrono::steady_clock::now());
    if (left <= 0ms) break;
    read_some(left);
  }
  return data_;
}

bool StreamClient::closed_by_peer(std::chrono::milliseconds timeout) {
  auto end = std::chrono::steady_clock::now() + timeout;
  while (!eof_) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        end - std::chrono::steady_clock::now());
    if (left <= 0ms) break;
    read_some(left);
  }
  return eof_;
}

Endpoint StreamClient::local() const {
  const tcp::socket& s = tls_ ? tls_->next_layer() : *tcp_;
  boost::system::error_code ec;
  auto e = s.local_endpoint(ec);
  return Endpoint{e.address(), e.port()};
}

// ---- UdpPeer

UdpPeer::UdpPeer(bool ipv6) : socket_(io_) {
  socket_.open(ipv6 ? udp::v6() : udp::v4());
  socket_.bind(udp::endpoint(asio::ip::make_address(ipv6 ? "::1" : "127.0.0.1"), 0));
}

Endpoint UdpPeer::local() const {
  auto e = socket_.local_endpoint();
  return Endpoint{e.address(), e.port()};
}

void UdpPeer::send_to(const Endpoint& to, std::string_view bytes) {
  socket_.send_to(asio::buffer(bytes), udp::endpoint(to.address, to.port));
}

std::optional<std::string> UdpPeer::receive(std::chrono::milliseconds timeout, Endpoint* from) {
  struct State {
    std::string buf = std::string(65536, '\0');
    udp::endpoint sender;
    bool done = false;
    boost::system::error_code ec;
    std::size_t n = 0;
  };
  auto st = std::make_shared<State>();
  socket_.async_receive_from(asio::buffer(st->buf), st->sender, [st](auto e, std::size_t k) {
    st->ec = e;
    st->n = k;
    st->done = true;
  });
  if (!run_until(io_, st->done, timeout)) {
    socket_.cancel();
    run_until(io_, st->done, 1s);
    return std::nullopt;
  }
  if (st->ec) return std::nullopt;
  if (from) *from = Endpoint{st->sender.address(), st->sender.port()};
  st->buf.resize(st->n);
  return std::move(st->buf);
}

}  // namespace parley::transport::test
