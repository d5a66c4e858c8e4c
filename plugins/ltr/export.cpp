// Exports the ltr plugin from its shared library.
#include "capstate/sdk/export.hpp"
#include "ltr_plugin.hpp"

CAPSTATE_PLUGIN(capstate::ltr::LtrPlugin)
