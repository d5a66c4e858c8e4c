// A record's values by name: what migration steps read and return, and what plugin tests use to
// build or read records without packing bytes.
#pragma once

#include <algorithm>
#include <cstdint>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace capstate {

/// The values of one record by name: the layout's fields (absent ones are not held), then each
/// array's saved flag, count and "<name>[i].<field>" element values. The engine builds one from a
/// payload and packs one into a payload; nobody else handles the bytes.
class NamedValues {
 public:
  /// One value.
  struct Value {
    std::string name;         ///< field, array header or array element name
    std::uint32_t value = 0;  ///< its value

    friend bool operator==(const Value&, const Value&) = default;
  };

  /// Whether `name` holds a value (a present field, an array header or element).
  bool has(std::string_view name) const { return find(name) != values_.end(); }

  /// The value of `name`; throws std::out_of_range naming it when absent.
  std::uint32_t get(std::string_view name) const {
    const auto it = find(name);
    if (it == values_.end()) {
      throw std::out_of_range("value '" + std::string(name) + "' is absent");
    }
    return it->value;
  }

  /// The value of `name`, or `fallback` when absent.
  std::uint32_t get_or(std::string_view name, std::uint32_t fallback) const {
    const auto it = find(name);
    return it == values_.end() ? fallback : it->value;
  }

  /// Sets `name` to `value` (adding it at the end when new).
  void set(std::string_view name, std::uint32_t value) {
    const auto it = std::find_if(values_.begin(), values_.end(),
                                 [&](const Value& v) { return v.name == name; });
    if (it != values_.end()) {
      it->value = value;
    } else {
      values_.push_back({std::string(name), value});
    }
  }

  /// Removes `name` (an absent field); nothing happens when it is not held.
  void drop(std::string_view name) {
    std::erase_if(values_, [&](const Value& v) { return v.name == name; });
  }

  /// Every value, in the order they were set.
  std::span<const Value> values() const { return values_; }

  friend bool operator==(const NamedValues&, const NamedValues&) = default;

 private:
  std::vector<Value>::const_iterator find(std::string_view name) const {
    return std::find_if(values_.begin(), values_.end(),
                        [&](const Value& v) { return v.name == name; });
  }

  std::vector<Value> values_;
};

}  // namespace capstate
