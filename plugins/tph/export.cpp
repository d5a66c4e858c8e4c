// Exports the tph plugin from its shared library.
#include "capstate/sdk/export.hpp"
#include "tph_plugin.hpp"

CAPSTATE_PLUGIN(capstate::tph::TphPlugin)
