// Exports the pri plugin from its shared library.
#include "capstate/sdk/export.hpp"
#include "pri_plugin.hpp"

CAPSTATE_PLUGIN(capstate::pri::PriPlugin)
