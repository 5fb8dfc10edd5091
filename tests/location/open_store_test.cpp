#include <gtest/gtest.h>

#include <filesystem>

#include "location/store.hpp"
#include "temp_dir.hpp"

namespace parley::location::test {
namespace {

TEST(OpenStore, MemoryAndSqliteFromTheirSpecs) {
  auto memory = open_store("memory");
  ASSERT_TRUE(memory) << memory.error();
  auto dir = make_temp_dir();
  auto sqlite = open_store("sqlite:" + (dir / "x.db").string());
  ASSERT_TRUE(sqlite) << sqlite.error();
  (*sqlite)->close();
  EXPECT_TRUE(std::filesystem::exists(dir / "x.db"));
  std::filesystem::remove_all(dir);
}

TEST(OpenStore, ABadSpecSaysWhatIsExpected) {
  for (const char* spec : {"", "mem", "sqlite:", "postgres://x", "redis://", "redis://host",
                           "redis://host:notaport", "redis://host:70000", "redis://host:1/x"}) {
    auto s = open_store(spec);
    ASSERT_FALSE(s) << spec;
    EXPECT_FALSE(s.error().empty()) << spec;
  }
  auto s = open_store("postgres://x");
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().find("memory, sqlite:PATH or redis://HOST:PORT"), std::string::npos);
}

}  // namespace
}  // namespace parley::location::test
