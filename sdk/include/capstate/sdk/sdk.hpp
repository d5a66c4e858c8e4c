// Everything a plugin needs, in one include.
#pragma once

#include "capstate/sdk/abi.hpp"
#include "capstate/sdk/access.hpp"
#include "capstate/sdk/bar_space.hpp"
#include "capstate/sdk/capability.hpp"
#include "capstate/sdk/claim.hpp"
#include "capstate/sdk/config_space.hpp"
#include "capstate/sdk/export.hpp"
#include "capstate/sdk/layout.hpp"
#include "capstate/sdk/migration.hpp"
#include "capstate/sdk/named_values.hpp"
#include "capstate/sdk/plugin.hpp"
#include "capstate/sdk/record.hpp"
#include "capstate/sdk/restore.hpp"
