/** Segmentation models: the U-Net of Ronneberger et al. (2015), channels-last, for tfjs. */
export { buildUNet, type UNetOptions } from './unet.js';
