// Durable state of route53-sim: read the JSON state file at start, replace it atomically after
// every change (write a temporary file in the same directory, fsync, rename, fsync the directory).
//
//   auto text = read_state_file(path);        // kNotFound when the file does not exist
//   Status s = write_state_file(path, json);  // never leaves a half-written file behind
#pragma once

#include <string>

#include "util/status.h"

namespace r53d::sim {

// Whole file as text. kNotFound if it does not exist; kInternal with errno text otherwise.
Result<std::string> read_state_file(const std::string& path);

// Atomically replaces path with contents. kInternal "path: reason" on failure (the old file,
// if any, is then untouched).
Status write_state_file(const std::string& path, const std::string& contents);

}  // namespace r53d::sim
