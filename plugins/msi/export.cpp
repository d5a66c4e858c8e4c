// Exports the msi plugin from its shared library.
#include "capstate/sdk/export.hpp"
#include "msi_plugin.hpp"

CAPSTATE_PLUGIN(capstate::msi::MsiPlugin)
