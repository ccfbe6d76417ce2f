package dev.jdnn.zoo.mobilenet;

/** Channel arithmetic of the mobile networks. */
public final class Channels {

    private Channels() {
    }

    /**
     * torchvision's (and TensorFlow's) {@code _make_divisible(v, divisor)}: {@code v} rounded to the nearest multiple
     * of {@code divisor}, at least {@code divisor}, and never more than 10 % below {@code v}.
     */
    public static int makeDivisible(double v, int divisor) {
        int rounded = Math.max(divisor, (int) (v + divisor / 2.0) / divisor * divisor);
        return rounded < 0.9 * v ? rounded + divisor : rounded;
    }
}
