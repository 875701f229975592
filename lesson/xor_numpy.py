import numpy as np

def sigmoid(x):
    return 1 / (1 + np.exp(-x))
def sigmoid_derivative(x):
    return x * (1 - x)

class SimpleNeuralNetwork:
    def __init__(self, input_size, hidden_size, output_size):
        # 初始化权重 w1 和 w2
        self.w1 = np.random.rand(input_size, hidden_size) # 输入层到隐藏层的权重
        self.w2 = np.random.rand(hidden_size, output_size) # 隐藏层到输出层的权重

    def forward(self, X):
        # 前向传播
        # A1 = sig(A0 * w1)
        # A2 = sig(A1 * w2)
        self.A1 = np.dot(X, self.w1) # 输入层到隐藏层的加权输入
        self.H = sigmoid(self.A1) # 隐藏层输出
        self.A2 = np.dot(self.H, self.w2) # 隐藏层到输出层的加权输入
        self.Y_hat = sigmoid(self.A2) # 输出层输出
        return self.Y_hat

    def backward(self, X, y, learning_rate):
        # X -> A1 -> H -> A2 -> Y_hat
        # C = 1/2 (y-Yhat)^2 ; dC/dy = y - yhat
        output_error = y - self.Y_hat # dC/dy
        output_delta = output_error * sigmoid_derivative(self.Y_hat) #dC/dy * dY/dA2
        hidden_error = output_delta.dot(self.w2.T) # dA2/dH
        hidden_delta = hidden_error * sigmoid_derivative(self.H) #dA2/dH * dH/dA1

        self.w2 += self.H.T.dot(output_delta) * learning_rate #dC/dw2
        self.w1 += X.T.dot(hidden_delta) * learning_rate #dC/dw1

if __name__ == "__main__":
    # 输入数据(4个样本,每个样本2个特征)
    X = np.array([[0, 0],
                  [0, 1],
                  [1, 0],
                  [1, 1]])
    # 目标输出(XOR问题)
    y = np.array([[0], [1], [1], [0]])
    # 创建神经网络
    nn = SimpleNeuralNetwork(input_size=2, hidden_size=3, output_size=1)
    # 训练网络
    epochs = 10000
    learning_rate = 0.5
    for epoch in range(epochs):
        nn.forward(X)
        nn.backward(X, y, learning_rate)
    # 测试结果
    print("Final Output after training:")
    print(nn.forward(X))
