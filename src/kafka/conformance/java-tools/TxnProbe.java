import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * What Kafka's command-line tools cannot do on demand: abort a transaction, and fence a zombie.
 * The Java client (kafka-clients 3.9.2) against a broker, compiled at test time (run-tool.ts).
 *
 *   TxnProbe --bootstrap-server HOST:PORT commit|abort TOPIC TRANSACTIONAL_ID VALUE...
 *   TxnProbe --bootstrap-server HOST:PORT fence TOPIC TRANSACTIONAL_ID ZOMBIE_FIRST ZOMBIE_LATE SUCCESSOR
 *
 * Prints one line per step, and for an error only its class: messages carry producer ids and epochs.
 */
public final class TxnProbe {
  public static void main(String[] args) throws Exception {
    String bootstrap = args[1];
    String action = args[2];
    String topic = args[3];
    String transactionalId = args[4];
    List<String> values = Arrays.asList(args).subList(5, args.length);
    switch (action) {
      case "commit", "abort" -> {
        try (KafkaProducer<String, String> producer = producer(bootstrap, transactionalId)) {
          producer.initTransactions();
          producer.beginTransaction();
          for (String value : values) producer.send(new ProducerRecord<>(topic, value)).get();
          if (action.equals("commit")) producer.commitTransaction();
          else producer.abortTransaction();
          System.out.println(action + ": " + values.size() + " records");
        }
      }
      case "fence" -> fence(bootstrap, topic, transactionalId, values);
      default -> throw new IllegalArgumentException("unknown action " + action + ": use commit, abort or fence");
    }
  }

  /** A second producer with the same transactional id fences the first, which is mid-transaction. */
  private static void fence(String bootstrap, String topic, String transactionalId, List<String> values) throws Exception {
    KafkaProducer<String, String> zombie = producer(bootstrap, transactionalId);
    zombie.initTransactions();
    zombie.beginTransaction();
    zombie.send(new ProducerRecord<>(topic, values.get(0))).get();
    System.out.println("zombie: sent in its open transaction");
    try (KafkaProducer<String, String> successor = producer(bootstrap, transactionalId)) {
      successor.initTransactions();
      System.out.println("successor: initialised with the same transactional id");
      // The zombie's commit reaches the coordinator with the epoch the successor replaced.
      try {
        zombie.commitTransaction();
        System.out.println("zombie: committed");
      } catch (RuntimeException e) {
        System.out.println("zombie: commit failed with " + e.getClass().getSimpleName());
      }
      try {
        zombie.send(new ProducerRecord<>(topic, values.get(1))).get();
        System.out.println("zombie: sent after being replaced");
      } catch (ExecutionException e) {
        System.out.println("zombie: send failed with " + e.getCause().getClass().getSimpleName());
      } catch (RuntimeException e) {
        System.out.println("zombie: send refused with " + e.getClass().getSimpleName());
      }
      successor.beginTransaction();
      successor.send(new ProducerRecord<>(topic, values.get(2))).get();
      successor.commitTransaction();
      System.out.println("successor: committed");
    } finally {
      zombie.close(Duration.ZERO);
    }
  }

  private static KafkaProducer<String, String> producer(String bootstrap, String transactionalId) {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
    // Fail within a test's time, not Kafka's two-minute defaults.
    props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "30000");
    props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
    props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "30000");
    props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    return new KafkaProducer<>(props);
  }
}
