public class Inheritance {
    abstract static class Shape {
        abstract double area();

        String describe() {
            return getName() + " " + Math.round(area() * 100) / 100.0;
        }

        String getName() {
            return "shape";
        }
    }

    static class Rect extends Shape {
        final double w, h;

        Rect(double w, double h) {
            this.w = w;
            this.h = h;
        }

        double area() {
            return w * h;
        }

        String getName() {
            return "rect";
        }
    }

    static class Square extends Rect {
        Square(double side) {
            super(side, side);
        }

        String getName() {
            return "square(" + super.getName() + ")";
        }
    }

    static class Circle extends Shape {
        double r;

        Circle(double r) {
            this.r = r;
        }

        double area() {
            return Math.PI * r * r;
        }
    }

    public static void main(String[] args) {
        Shape[] shapes = {new Rect(2, 3), new Square(4), new Circle(1.5)};
        double total = 0;
        for (Shape s : shapes) {
            System.out.println(s.describe());
            total += s.area();
        }
        System.out.println(Math.round(total));
    }
}
