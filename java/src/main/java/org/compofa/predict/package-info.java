/**
 * Inference for people who link the jar: {@link org.compofa.predict.Predictor} loads a model file
 * (or wraps an extracted subnet) and turns images into {@link org.compofa.predict.Prediction}s, with
 * the preprocessing the model file carries. One object to close.
 */
package org.compofa.predict;
