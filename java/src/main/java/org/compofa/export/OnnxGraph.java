package org.compofa.export;

import java.util.ArrayList;
import java.util.List;

/**
 * An ONNX graph under construction (opset 17): nodes in order, float initializers, one NCHW float
 * input with a symbolic batch and one output, serialised as a {@code ModelProto} (IR version 8).
 * Field numbers follow onnx.proto3.
 */
final class OnnxGraph {
    static final int OPSET = 17;
    static final int IR_VERSION = 8;
    private static final int FLOAT = 1;
    private static final int ATTR_FLOAT = 1;
    private static final int ATTR_INT = 2;
    private static final int ATTR_INTS = 7;

    private final List<Protobuf> nodes = new ArrayList<>();
    private final List<Protobuf> initializers = new ArrayList<>();
    private int counter;

    /** A fresh value name. */
    String fresh(String hint) {
        return hint + "_" + (counter++);
    }

    /** Adds a float initializer and returns its name. */
    String initializer(String name, float[] values, long... dims) {
        Protobuf t = new Protobuf();
        for (long d : dims) {
            t.varint(1, d);
        }
        t.varint(2, FLOAT).string(8, name).bytes(9, Protobuf.littleEndian(values));
        initializers.add(t);
        return name;
    }

    /** Adds a node; attributes as alternating name, value (Integer, Float or long[]). */
    String node(String opType, List<String> inputs, String outputHint, Object... attributes) {
        return nodeNamed(opType, inputs, fresh(outputHint), attributes);
    }

    /** As {@link #node} with exactly {@code out} as the output name (for the graph's output). */
    String nodeNamed(String opType, List<String> inputs, String out, Object... attributes) {
        Protobuf n = new Protobuf();
        inputs.forEach(i -> n.string(1, i));
        n.string(2, out).string(3, out + "_" + opType).string(4, opType);
        for (int a = 0; a < attributes.length; a += 2) {
            Protobuf attr = new Protobuf().string(1, (String) attributes[a]);
            Object v = attributes[a + 1];
            if (v instanceof Integer i) {
                attr.varint(3, i).varint(20, ATTR_INT);
            } else if (v instanceof Float f) {
                attr.fixed32(2, f).varint(20, ATTR_FLOAT);
            } else if (v instanceof long[] ints) {
                for (long x : ints) {
                    attr.varint(8, x);
                }
                attr.varint(20, ATTR_INTS);
            } else {
                throw new IllegalArgumentException("attribute " + attributes[a] + " has unsupported type " + v);
            }
            n.message(5, attr);
        }
        nodes.add(n);
        return out;
    }

    /** The serialised model with input {@code input} [batch, c, h, w] and output {@code output} [batch, classes]. */
    byte[] model(String graphName, String input, long[] inputDims, String output, long classes,
                 java.util.Map<String, String> metadata) {
        Protobuf g = new Protobuf();
        nodes.forEach(n -> g.message(1, n));
        g.string(2, graphName);
        initializers.forEach(t -> g.message(5, t));
        g.message(11, valueInfo(input, inputDims));
        g.message(12, valueInfo(output, new long[] {-1, classes}));
        Protobuf opset = new Protobuf().string(1, "").varint(2, OPSET);
        Protobuf model = new Protobuf().varint(1, IR_VERSION).string(2, "compofa").string(3, "0.1.0").message(7, g)
                .message(8, opset);
        // ModelProto.metadata_props (14): StringStringEntryProto {key = 1, value = 2}
        metadata.forEach((k, v) -> model.message(14, new Protobuf().string(1, k).string(2, v)));
        return model.toByteArray();
    }

    /** A float tensor value info; a dimension of -1 is the symbolic {@code batch}. */
    private static Protobuf valueInfo(String name, long[] dims) {
        Protobuf shape = new Protobuf();
        for (long d : dims) {
            shape.message(1, d < 0 ? new Protobuf().string(2, "batch") : new Protobuf().varint(1, d));
        }
        Protobuf tensor = new Protobuf().varint(1, FLOAT).message(2, shape);
        return new Protobuf().string(1, name).message(2, new Protobuf().message(1, tensor));
    }
}
