// Message parsing throughput: parley against libosip2 and Sofia-SIP on the same corpus, in the same
// run, single-threaded. Two parley figures:
//   proxy — what a proxy reads: framing, start line, Via, From/To tags, Call-ID, CSeq,
//           Max-Forwards, Route (everything else stays unparsed bytes);
//   full  — every header field parsed into its type, the Request-URI included: what Sofia's
//           msg_make does, and the row target (b) compares with Sofia;
//   lint_sdp — more than that: lint() (validate() and every header) and the SDP body parsed into
//           its model, work neither Sofia nor osip does here.
// At the end it prints the ratios parley/Sofia and parley/osip per message and over the corpus.
//
//   build/release/bench/bench_message                     # everything
//   build/release/bench/bench_message --benchmark_filter=corpus
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <string>
#include <vector>

#include "message/any_header.hpp"
#include "message/framer.hpp"
#include "message/message.hpp"
#include "message/sdp.hpp"
#include "peer_parsers.hpp"

namespace {

using parley::message::Message;

struct Sample {
  std::string name;
  std::string bytes;
};

std::vector<Sample> load_corpus() {
  std::vector<Sample> out;
  for (const auto& e : std::filesystem::directory_iterator(PARLEY_BENCH_CORPUS)) {
    if (e.path().extension() != ".sip") continue;
    std::ifstream in(e.path(), std::ios::binary);
    out.push_back({e.path().stem().string(), std::string(std::istreambuf_iterator<char>(in), {})});
  }
  std::sort(out.begin(), out.end(),
            [](const Sample& a, const Sample& b) { return a.name < b.name; });
  return out;
}

// ---- parley

// What a proxy reads before forwarding (RFC 3261 §16.3, §16.6).
bool parley_proxy(std::string_view bytes) {
  // Framing and parsing in one pass (the same answers as frame() then Message::parse()).
  auto framed = Message::parse_stream(bytes);
  if (framed.frame.status != parley::message::FrameStatus::Message) return false;
  auto& m = *framed.message;
  if (!m) return false;
  const auto& via = m->via();
  const auto& from = m->from();
  const auto& to = m->to();
  const auto& cseq = m->cseq();
  const auto& mf = m->max_forwards();
  const auto& route = m->route();
  benchmark::DoNotOptimize(m->call_id());
  return via && !via->empty() && via->front().branch() && from && from->tag() && to && cseq && mf &&
         route;
}

// What Sofia-SIP's msg_make does, and what target (b) of issue 3 compares with it: the message
// parsed and every header field parsed into its type (parse_header(), the parser of each known
// header), the Request-URI included. Unknown headers stay text, as they do in Sofia.
bool parley_full(std::string_view bytes) {
  auto m = Message::parse(bytes);
  if (!m) return false;
  if (m->is_request() && !m->request_uri()) return false;
  for (const parley::message::HeaderField& f : m->fields()) {
    if (f.id == parley::message::HeaderId::Unknown) continue;
    auto v = parley::message::parse_header(f.id, f.value);
    if (!v) return false;
    benchmark::DoNotOptimize(v->index());
  }
  return true;
}

// More than any peer here does: every header field typed and the whole message checked as a
// server would (lint(): validate(), every header, repeated single headers), and an SDP body parsed
// into its model.
bool parley_lint_sdp(std::string_view bytes) {
  auto m = Message::parse(bytes);
  if (!m) return false;
  if (!parley::message::lint(*m).empty()) return false;
  if (auto* ct = m->find(parley::message::HeaderId::ContentType);
      ct && parley::message::iequals(ct->value, "application/sdp")) {
    auto sdp = parley::message::parse_sdp(m->body());
    if (!sdp) return false;
    benchmark::DoNotOptimize(sdp->media.size());
  }
  return true;
}

using Parser = bool (*)(std::string_view);

void run(benchmark::State& state, Parser parse, const std::vector<const Sample*>& samples) {
  std::size_t bytes = 0;
  for (const Sample* s : samples) bytes += s->bytes.size();
  for (auto _ : state) {
    for (const Sample* s : samples) {
      if (!parse(s->bytes)) {
        state.SkipWithError(("failed to parse " + s->name).c_str());
        return;
      }
    }
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * samples.size()));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * bytes));
}

// Keeps items/s per benchmark so the ratios can be printed after the run.
class RatioReporter : public benchmark::ConsoleReporter {
 public:
  void ReportRuns(const std::vector<Run>& runs) override {
    ConsoleReporter::ReportRuns(runs);
    for (const Run& r : runs) {
      auto it = r.counters.find("items_per_second");
      if (it != r.counters.end() && !r.error_occurred) rate[r.benchmark_name()] = it->second;
    }
  }
  std::map<std::string, double> rate;
};

}  // namespace

// bench_message --repeat PARSER FILE N: parse FILE N times with one parser and nothing else, for
// counting instructions under callgrind (bench/instructions.sh), which load on the machine does
// not disturb.
int repeat(const char* parser, const char* file, long n) {
  std::ifstream in(file, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), {});
  const std::map<std::string, Parser> parsers = {{"parley_proxy", parley_proxy},
                                                 {"parley_full", parley_full},
                                                 {"parley_lint_sdp", parley_lint_sdp},
                                                 {"sofia_full", bench_peers::sofia_parse},
                                                 {"osip_full", bench_peers::osip_parse}};
  auto it = parsers.find(parser);
  if (it == parsers.end() || bytes.empty()) return 2;
  long ok = 0;
  for (long i = 0; i < n; ++i) ok += it->second(bytes);
  return ok == n ? 0 : 1;
}

int main(int argc, char** argv) {
  bench_peers::init();
  if (argc == 5 && std::string_view(argv[1]) == "--repeat")
    return repeat(argv[2], argv[3], std::atol(argv[4]));
  static std::vector<Sample> corpus = load_corpus();
  if (corpus.empty()) {
    std::fprintf(stderr, "no corpus in %s\n", PARLEY_BENCH_CORPUS);
    return 1;
  }
  static std::vector<const Sample*> all;
  for (const Sample& s : corpus) all.push_back(&s);
  const std::pair<const char*, Parser> parsers[] = {{"parley_proxy", parley_proxy},
                                                    {"parley_full", parley_full},
                                                    {"parley_lint_sdp", parley_lint_sdp},
                                                    {"sofia_full", bench_peers::sofia_parse},
                                                    {"osip_full", bench_peers::osip_parse}};
  for (const auto& [pname, fn] : parsers) {
    benchmark::RegisterBenchmark((std::string(pname) + "/corpus").c_str(), run, fn, all);
    for (const Sample& s : corpus)
      benchmark::RegisterBenchmark((std::string(pname) + "/" + s.name).c_str(), run, fn,
                                   std::vector<const Sample*>{&s});
  }
  benchmark::Initialize(&argc, argv);
  RatioReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  std::vector<std::string> names{"corpus"};
  for (const Sample& s : corpus) names.push_back(s.name);
  std::printf("\n%-16s %14s %14s %14s %14s %14s %11s %11s %11s\n", "message", "parley proxy/s",
              "parley full/s", "lint+sdp/s", "sofia/s", "osip/s", "full/sofia", "full/osip",
              "proxy/sofia");
  for (const std::string& n : names) {
    auto get = [&](const char* p) {
      auto it = reporter.rate.find(std::string(p) + "/" + n);
      return it == reporter.rate.end() ? 0.0 : it->second;
    };
    double pp = get("parley_proxy"), pf = get("parley_full"), pl = get("parley_lint_sdp"),
           so = get("sofia_full"), os = get("osip_full");
    if (pp + pf + pl + so + os == 0) continue;
    auto ratio = [](double a, double b) { return b > 0 ? a / b : 0.0; };
    std::printf("%-16s %14.0f %14.0f %14.0f %14.0f %14.0f %10.2fx %10.2fx %10.2fx\n", n.c_str(), pp,
                pf, pl, so, os, ratio(pf, so), ratio(pf, os), ratio(pp, so));
  }
  benchmark::Shutdown();
  bench_peers::shutdown();
  return 0;
}
