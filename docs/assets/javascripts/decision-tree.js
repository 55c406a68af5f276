/* decision-tree */
