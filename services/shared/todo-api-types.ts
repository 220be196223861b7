/** The todo-api's resources as its clients (the chat gateway, the frontend) receive them. */

export type Priority = 'low' | 'medium' | 'high';

/** A task, as GET/POST/PATCH /api/tasks return it (dates are ISO 8601 strings). */
export interface Task {
  readonly id: string;
  readonly title: string;
  readonly description: string;
  readonly completed: boolean;
  readonly dueAt: string | null;
  readonly priority: Priority;
  readonly tags: readonly string[];
  readonly createdAt: string;
  readonly updatedAt: string;
}
