// Exports the msix plugin from its shared library.
#include "capstate/sdk/export.hpp"
#include "msix_plugin.hpp"

CAPSTATE_PLUGIN(capstate::msix::MsixPlugin)
