public class CustomExceptions {
    static class ValidationException extends Exception {
        final int code;

        ValidationException(String message, int code) {
            super(message);
            this.code = code;
        }
    }

    static int check(int value) throws ValidationException {
        if (value < 0) {
            throw new ValidationException("negative", 1);
        } else if (value > 100) {
            throw new ValidationException("too big", 2);
        }
        return value * 2;
    }

    static String run(int value) {
        StringBuilder log = new StringBuilder();
        try {
            log.append("ok:").append(check(value));
        } catch (ValidationException e) {
            log.append("error:").append(e.getMessage()).append('/').append(e.code);
        } finally {
            log.append(";done");
        }
        return log.toString();
    }

    public static void main(String[] args) {
        int[] inputs = {5, -3, 250, 100};
        for (int v : inputs) {
            System.out.println(run(v));
        }
        try {
            Object o = "text";
            Integer i = (Integer) o;
            System.out.println(i);
        } catch (ClassCastException e) {
            System.out.println("class cast");
        }
    }
}
