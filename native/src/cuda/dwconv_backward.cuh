// Backward of the elastic depthwise convolution on the device (see compofa.h for layouts).
#pragma once
#include "common/kernels.h"

namespace compofa::cuda {

void dwconv_backward(const DwBackward& op, void* stream);

}  // namespace compofa::cuda
