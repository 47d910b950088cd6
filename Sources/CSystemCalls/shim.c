// SwiftPM needs one source file in a C target; the header does the work.
#include "CSystemCalls.h"
