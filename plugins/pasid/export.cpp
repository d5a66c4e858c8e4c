// Exports the pasid plugin from its shared library.
#include "capstate/sdk/export.hpp"
#include "pasid_plugin.hpp"

CAPSTATE_PLUGIN(capstate::pasid::PasidPlugin)
