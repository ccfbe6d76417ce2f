package dev.jdnn.zoo.googlenet;

import dev.jdnn.engine.autograd.Functional;
import dev.jdnn.engine.autograd.Graph;
import dev.jdnn.engine.autograd.Variable;
import dev.jdnn.engine.nn.MaxPool2d;
import dev.jdnn.engine.nn.Module;
import dev.jdnn.engine.nn.Sequential;
import java.util.List;

/**
 * An inception module: {@code branch1} 1×1; {@code branch2} 1×1 reduce then 3×3; {@code branch3} 1×1 reduce then the
 * "5×5" ({@code branch3Kernel}: 5 in the paper, 3 in torchvision's port of it); {@code branch4} 3×3/1 max pool then
 * 1×1 projection; outputs concatenated along channels.
 */
final class Inception extends Module {

    /** One row of the paper's Table 1: #1×1, #3×3 reduce, #3×3, #5×5 reduce, #5×5, pool proj. */
    record Widths(int ch1x1, int ch3x3red, int ch3x3, int ch5x5red, int ch5x5, int poolProj) {

        int outChannels() {
            return ch1x1 + ch3x3 + ch5x5 + poolProj;
        }
    }

    private final List<Module> branches;

    Inception(int inChannels, Widths w, int branch3Kernel, boolean batchNorm) {
        this.branches = List.of(
                child("branch1", new BasicConv2d(inChannels, w.ch1x1(), 1, batchNorm)),
                child("branch2", new Sequential(new BasicConv2d(inChannels, w.ch3x3red(), 1, batchNorm),
                        new BasicConv2d(w.ch3x3red(), w.ch3x3(), 3, batchNorm))),
                child("branch3", new Sequential(new BasicConv2d(inChannels, w.ch5x5red(), 1, batchNorm),
                        new BasicConv2d(w.ch5x5red(), w.ch5x5(), branch3Kernel, batchNorm))),
                child("branch4", new Sequential(new MaxPool2d(3, 1, 1, true),
                        new BasicConv2d(inChannels, w.poolProj(), 1, batchNorm))));
    }

    @Override
    protected Variable forward(Graph graph, Variable x) {
        return Functional.concat(branches.stream().map(branch -> branch.call(graph, x)).toList(), 1);
    }
}
