import type { Admin } from 'kafkajs';

/** How a topic is made when it is missing (an existing topic is taken as it is). */
export interface TopicSettings {
  /** A number, or worked out from the cluster (asked only when the topic has to be created). */
  replicationFactor: number | ((admin: Admin) => Promise<number>);
  configEntries: Array<{ name: string; value: string }>;
}

/**
 * Creates the topic unless it is listed already. Instances start together, so another may
 * create it between the listing and the creation: that error is taken as success once the
 * topic is listed; any other is thrown.
 */
export async function ensureTopic(admin: Admin, topic: string, numPartitions: number, settings: TopicSettings): Promise<void> {
  if ((await admin.listTopics()).includes(topic)) return;
  const { configEntries } = settings;
  try {
    const replicationFactor =
      typeof settings.replicationFactor === 'number' ? settings.replicationFactor : await settings.replicationFactor(admin);
    await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions, replicationFactor, configEntries }] });
  } catch (err) {
    if (!(await admin.listTopics()).includes(topic)) throw err;
  }
}
