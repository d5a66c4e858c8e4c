// Exports the header plugin from its shared library.
#include "capstate/sdk/export.hpp"
#include "header_plugin.hpp"

CAPSTATE_PLUGIN(capstate::header::HeaderPlugin)
