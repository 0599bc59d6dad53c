/**
 * What the library's own binary file formats (model files, checkpoints) share: the exception
 * that names the file and what is wrong with it. Pure Java, no dependencies on other packages, so
 * every package that reads a file may use it.
 */
package org.compofa.io;
